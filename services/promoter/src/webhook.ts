import { createHash, timingSafeEqual } from 'node:crypto';
import { ENVIRONMENTS } from '@titanic/platform/environments/schema.ts';
import Koa from 'koa';
import { type Alert, staleness, webhookSchema } from './alertmanager.ts';
import type { PromoterContext } from './context.ts';
import { redact } from './errors.ts';
import type { Metrics } from './metrics.ts';
import { type EnvOutcome, handleEnv } from './webhook-env.ts';

export interface WebhookOptions {
  readonly ctx: PromoterContext;
  readonly secret: string;
  readonly metrics: Metrics;
  readonly maxBodyBytes?: number;
  /** Alerts of one delivery that are acted on; the rest are reported as ignored (default 50). */
  readonly maxAlerts?: number;
  /** Deliveries waiting behind the one being handled before new ones get 503 (default 4). */
  readonly maxQueued?: number;
  /** How long after startsAt an alert may still open a rollback (default 6 h). */
  readonly maxAlertAgeMs?: number;
  /** GET / : the status page (HTML and its Content-Security-Policy). */
  readonly page?: () => Promise<{ html: string; csp: string }>;
}

/** Constant-time comparison; hashing first makes the lengths equal and hides the secret's length. */
export function secretMatches(given: string, secret: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  return timingSafeEqual(a, b);
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * How much of an oversized body is read and discarded before the 413: a client still sending
 * when the connection closes sees a broken pipe instead of the answer. Past this, the socket is
 * cut (a sender that large is not Alertmanager).
 */
const DISCARD_FACTOR = 8;

async function readJson(req: Koa.Request['req'], limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit * DISCARD_FACTOR) break;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

/** Koa app: POST /hooks/alertmanager, GET /healthz (metrics are served on their own port). */
export function createWebhookApp(options: WebhookOptions): Koa {
  const app = new Koa();
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  const maxAlerts = options.maxAlerts ?? 50;
  const maxQueued = options.maxQueued ?? 4;
  const maxAge = options.maxAlertAgeMs ?? 6 * 3600_000;
  // One delivery at a time: two deliveries for one environment must not open two pull requests.
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, 'internal error');
      if (!(error instanceof HttpError))
        options.ctx.log(`webhook failed: ${redact((error as Error).message)}`);
      ctx.status = e.status;
      // An oversized body may not have been read to its end: end the connection so it is not reused.
      if (e.status === 413) ctx.set('Connection', 'close');
      ctx.body = { error: e.message, ...(e.details ? { details: e.details } : {}) };
    }
  });

  app.use(async (ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.method === 'GET' && ctx.path === '/' && options.page) {
      const { html, csp } = await options.page();
      ctx.set('Content-Security-Policy', csp);
      ctx.set('X-Content-Type-Options', 'nosniff');
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = html;
      return;
    }
    if (ctx.path !== '/hooks/alertmanager')
      throw new HttpError(404, `no route for ${ctx.method} ${ctx.path}`);
    if (ctx.method !== 'POST') throw new HttpError(405, 'use POST');
    const stop = options.metrics.duration.startTimer();
    try {
      const auth = ctx.get('authorization');
      const token = /^Bearer (.+)$/i.exec(auth)?.[1] ?? '';
      if (!secretMatches(token, options.secret)) {
        options.metrics.requests.inc({ outcome: 'unauthorized' });
        ctx.set('WWW-Authenticate', 'Bearer realm="promoter"');
        throw new HttpError(401, 'missing or wrong bearer token');
      }
      const parsed = webhookSchema.safeParse(
        await readJson(ctx.req, limit).catch((e) => {
          options.metrics.requests.inc({ outcome: 'malformed' });
          throw e;
        }),
      );
      if (!parsed.success) {
        options.metrics.requests.inc({ outcome: 'malformed' });
        const details = parsed.error.issues.map((i) => ({
          path: i.path.join('.') || '(root)',
          message: i.message,
        }));
        throw new HttpError(400, 'not an Alertmanager webhook payload (version 4)', details);
      }
      const byEnv = new Map<string, Alert[]>();
      const ignored: string[] = [];
      const now = options.ctx.now();
      let acted = 0;
      for (const a of parsed.data.alerts) {
        if (a.status !== 'firing' || a.labels.rollback !== 'true') continue;
        const name = a.labels.alertname ?? a.fingerprint;
        const env = a.labels.env ?? '';
        if (!(ENVIRONMENTS as readonly string[]).includes(env)) {
          ignored.push(`${name}: env label "${env}" is not one of ${ENVIRONMENTS.join(', ')}`);
          continue;
        }
        const stale = staleness(a, now, maxAge);
        if (stale) {
          ignored.push(`${name}: ${stale}`);
          continue;
        }
        if (!a.labels.model_version) {
          ignored.push(`${name}: no model_version label, so it cannot be tied to what ${env} runs`);
          continue;
        }
        if (acted >= maxAlerts) {
          ignored.push(`${name}: more than ${maxAlerts} alerts in one delivery`);
          continue;
        }
        acted += 1;
        byEnv.set(env, [...(byEnv.get(env) ?? []), a]);
      }
      if (waiting >= maxQueued) {
        options.metrics.requests.inc({ outcome: 'busy' });
        ctx.set('Retry-After', '30');
        throw new HttpError(503, `${waiting} deliveries are already waiting; retry later`);
      }
      waiting += 1;
      options.metrics.queued.set(waiting);
      const run = queue.then(async () => {
        waiting -= 1;
        options.metrics.queued.set(waiting);
        const out: EnvOutcome[] = [];
        for (const [env, alerts] of byEnv) {
          const r = await handleEnv(options.ctx, env, alerts);
          options.metrics.rollbacks.inc({ env, result: r.result });
          if (r.result === 'failed') options.ctx.log(`webhook failed for ${env}: ${r.detail}`);
          out.push(r);
        }
        return out;
      });
      queue = run.catch(() => {});
      const results = await run;
      // Shown once in the body, not once per alert: a huge delivery gets a short answer.
      const shown = ignored.slice(0, 20);
      const body = {
        results,
        ignored: shown,
        ...(ignored.length > 20 ? { ignoredMore: ignored.length - 20 } : {}),
      };
      const retry = results.filter((r) => r.retryAfter !== undefined).map((r) => r.retryAfter!);
      if (retry.length > 0) {
        // Environments that succeeded are idempotent on redelivery; Alertmanager retries a 503.
        options.metrics.requests.inc({ outcome: 'retry' });
        ctx.status = 503;
        ctx.set('Retry-After', String(Math.max(...retry)));
        ctx.body = body;
        return;
      }
      if (results.some((r) => r.result === 'failed')) {
        // GitHub refused something for good (say a 422): the other environments were handled,
        // and the failure is an error Alertmanager shows and retries, never a silent 200.
        options.metrics.requests.inc({ outcome: 'error' });
        ctx.status = 502;
        ctx.body = body;
        return;
      }
      options.metrics.requests.inc({ outcome: 'accepted' });
      ctx.body = body;
    } catch (error) {
      if (!(error instanceof HttpError)) options.metrics.requests.inc({ outcome: 'error' });
      throw error;
    } finally {
      stop();
    }
  });
  return app;
}
