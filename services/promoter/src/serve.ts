import type { Server } from 'node:http';
import { type Env, readSecret } from './config.ts';
import type { PromoterContext } from './context.ts';
import { PromoterError } from './errors.ts';
import { createMetrics } from './metrics.ts';
import { createWebhookApp } from './webhook.ts';

/** Starts the webhook server: PORT (default 8090), WEBHOOK_SECRET or WEBHOOK_SECRET_FILE. */
export async function serve(ctx: PromoterContext, env: Env): Promise<Server> {
  const secret = readSecret(env, 'WEBHOOK_SECRET');
  if (!secret || secret.length < 16) {
    throw new PromoterError(
      'WEBHOOK_SECRET is missing or shorter than 16 characters',
      'config',
      'set WEBHOOK_SECRET or mount it and set WEBHOOK_SECRET_FILE',
    );
  }
  const port = Number(env.PORT ?? 8090);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new PromoterError(`PORT=${env.PORT} is not a port number`, 'config', 'use e.g. PORT=8090');
  const app = createWebhookApp({ ctx, secret, metrics: createMetrics() });
  const server = app.listen(port, env.HOST ?? '0.0.0.0');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const shutdown = () => server.close(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  return server;
}
