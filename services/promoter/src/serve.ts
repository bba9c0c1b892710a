import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { type Env, readSecret } from './config.ts';
import type { PromoterContext } from './context.ts';
import { PromoterError } from './errors.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { createWebhookApp } from './webhook.ts';

function port(env: Env, name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 0 || value > 65535)
    throw new PromoterError(
      `${name}=${env[name]} is not a port number`,
      'config',
      `use e.g. ${name}=${fallback}`,
    );
  return value;
}

async function listen(server: Server): Promise<Server> {
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}

/** Prometheus metrics on their own listener, so the webhook port exposes nothing else. */
function metricsServer(metrics: Metrics): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method !== 'GET' || ctx.path !== '/metrics') {
      ctx.status = 404;
      ctx.body = { error: `no route for ${ctx.method} ${ctx.path}` };
      return;
    }
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return app;
}

/**
 * Starts the webhook server on HOST:PORT (default 127.0.0.1:8090; in a pod HOST is the pod IP the
 * Service targets) and metrics on METRICS_HOST:METRICS_PORT (default HOST:9464).
 * WEBHOOK_SECRET or WEBHOOK_SECRET_FILE is the bearer secret Alertmanager sends.
 */
export async function serve(ctx: PromoterContext, env: Env): Promise<Server> {
  const secret = readSecret(env, 'WEBHOOK_SECRET');
  if (!secret || secret.length < 16) {
    throw new PromoterError(
      'WEBHOOK_SECRET is missing or shorter than 16 characters',
      'config',
      'set WEBHOOK_SECRET or mount it and set WEBHOOK_SECRET_FILE',
    );
  }
  const host = env.HOST || '127.0.0.1';
  const metrics = createMetrics();
  const server = await listen(
    createWebhookApp({ ctx, secret, metrics }).listen(port(env, 'PORT', 8090), host),
  );
  const internal = await listen(
    metricsServer(metrics).listen(port(env, 'METRICS_PORT', 9464), env.METRICS_HOST || host),
  );
  ctx.log(`metrics on :${(internal.address() as AddressInfo).port}/metrics`);
  server.once('close', () => internal.close());
  const shutdown = () => {
    internal.close();
    server.close(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return server;
}
