import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { type Env, readSecret } from './config.ts';
import type { PromoterContext } from './context.ts';
import { PromoterError } from './errors.ts';
import { createMetrics, type Metrics } from './metrics.ts';
import { status } from './status.ts';
import { STATUS_PAGE_CSP, statusPage } from './status-page.ts';
import { createWebhookApp } from './webhook.ts';

/** The status page costs a few dozen GitHub reads: rendered at most every 30 s, concurrent loads share one. */
function cachedStatusPage(ctx: PromoterContext, maxAgeMs = 30_000) {
  let cached: { at: number; page: Promise<{ html: string; csp: string }> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > maxAgeMs) {
      const page = status(ctx).then((rows) => ({ html: statusPage(rows, ctx.now()), csp: STATUS_PAGE_CSP }));
      cached = { at: Date.now(), page };
      // A failed render is not kept: the next load tries again.
      page.catch(() => {
        if (cached?.page === page) cached = undefined;
      });
    }
    return cached.page;
  };
}

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
    createWebhookApp({ ctx, secret, metrics, page: cachedStatusPage(ctx) }).listen(
      port(env, 'PORT', 8090),
      host,
    ),
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
