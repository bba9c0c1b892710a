import { createHash, timingSafeEqual } from 'node:crypto';
import Koa from 'koa';
import { ENVIRONMENTS } from '../../../environments/schema.ts';
import { type Alert, alertComment, alertMarker, webhookSchema } from './alertmanager.ts';
import type { PromoterContext } from './context.ts';
import { PromoterError, redact } from './errors.ts';
import type { Metrics } from './metrics.ts';
import { parseDataBlock } from './pr-body.ts';
import { rollback } from './rollback.ts';

export interface WebhookOptions {
  readonly ctx: PromoterContext;
  readonly secret: string;
  readonly metrics: Metrics;
  readonly maxBodyBytes?: number;
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

async function readJson(req: Koa.Request['req'], limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

export interface EnvOutcome {
  env: string;
  result: 'opened' | 'reused' | 'refused' | 'nothing_to_do';
  pull?: number;
  detail?: string;
}

/** Opens (or reuses) the rollback PR of one environment and comments each new alert on it. */
async function handleEnv(o: WebhookOptions, env: string, alerts: Alert[]): Promise<EnvOutcome> {
  const { repo } = o.ctx;
  const open = (await repo.openPulls()).find(
    (p) => p.labels.includes('rollback') && parseDataBlock(p.body)?.env === env,
  );
  let pull = open?.number;
  let result: EnvOutcome['result'] = 'reused';
  if (!pull) {
    const first = alerts[0]!;
    const name = first.labels.alertname ?? 'alert';
    try {
      const r = await rollback(o.ctx, {
        env,
        hold: true,
        by: 'alertmanager',
        reason: `${name}: ${first.annotations.summary ?? 'firing'}`,
      });
      pull = r.pull.number;
      result = r.status === 'opened' ? 'opened' : 'reused';
    } catch (error) {
      if (!(error instanceof PromoterError)) throw error;
      return {
        env,
        result: error.code === 'nothing-to-do' ? 'nothing_to_do' : 'refused',
        detail: error.message,
      };
    }
  }
  const existing = (await repo.comments(pull)).join('\n');
  for (const alert of alerts) {
    if (!existing.includes(alertMarker(alert))) await repo.comment(pull, alertComment(alert));
  }
  return { env, result, pull };
}

/** Koa app: POST /hooks/alertmanager, GET /metrics, GET /healthz. */
export function createWebhookApp(o: WebhookOptions): Koa {
  const app = new Koa();
  const limit = o.maxBodyBytes ?? 1024 * 1024;
  // One delivery at a time: two deliveries for one environment must not open two pull requests.
  let queue: Promise<unknown> = Promise.resolve();

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, 'internal error');
      if (!(error instanceof HttpError)) o.ctx.log(`webhook failed: ${redact((error as Error).message)}`);
      ctx.status = e.status;
      // The rest of an oversized body is never read: end the connection so it is not reused.
      if (e.status === 413) ctx.set('Connection', 'close');
      ctx.body = { error: e.message, ...(e.details ? { details: e.details } : {}) };
    }
  });

  app.use(async (ctx) => {
    if (ctx.method === 'GET' && ctx.path === '/metrics') {
      ctx.type = o.metrics.registry.contentType;
      ctx.body = await o.metrics.registry.metrics();
      return;
    }
    if (ctx.method === 'GET' && ctx.path === '/healthz') {
      ctx.body = { status: 'ok' };
      return;
    }
    if (ctx.path !== '/hooks/alertmanager')
      throw new HttpError(404, `no route for ${ctx.method} ${ctx.path}`);
    if (ctx.method !== 'POST') throw new HttpError(405, 'use POST');
    const stop = o.metrics.duration.startTimer();
    try {
      const auth = ctx.get('authorization');
      const token = /^Bearer (.+)$/i.exec(auth)?.[1] ?? '';
      if (!secretMatches(token, o.secret)) {
        o.metrics.requests.inc({ outcome: 'unauthorized' });
        ctx.set('WWW-Authenticate', 'Bearer realm="promoter"');
        throw new HttpError(401, 'missing or wrong bearer token');
      }
      const parsed = webhookSchema.safeParse(
        await readJson(ctx.req, limit).catch((e) => {
          o.metrics.requests.inc({ outcome: 'malformed' });
          throw e;
        }),
      );
      if (!parsed.success) {
        o.metrics.requests.inc({ outcome: 'malformed' });
        const details = parsed.error.issues.map((i) => ({
          path: i.path.join('.') || '(root)',
          message: i.message,
        }));
        throw new HttpError(400, 'not an Alertmanager webhook payload (version 4)', details);
      }
      const byEnv = new Map<string, Alert[]>();
      const ignored: string[] = [];
      for (const a of parsed.data.alerts) {
        if (a.status !== 'firing' || a.labels.rollback !== 'true') continue;
        const env = a.labels.env ?? '';
        if (!(ENVIRONMENTS as readonly string[]).includes(env)) {
          ignored.push(
            `${a.labels.alertname ?? a.fingerprint}: env label "${env}" is not one of ${ENVIRONMENTS.join(', ')}`,
          );
          continue;
        }
        byEnv.set(env, [...(byEnv.get(env) ?? []), a]);
      }
      const run = queue.then(async () => {
        const out: EnvOutcome[] = [];
        for (const [env, alerts] of byEnv) {
          const r = await handleEnv(o, env, alerts);
          o.metrics.rollbacks.inc({ env, result: r.result });
          out.push(r);
        }
        return out;
      });
      queue = run.catch(() => {});
      const results = await run;
      o.metrics.requests.inc({ outcome: 'accepted' });
      ctx.body = { results, ignored };
    } catch (error) {
      if (!(error instanceof HttpError)) o.metrics.requests.inc({ outcome: 'error' });
      throw error;
    } finally {
      stop();
    }
  });
  return app;
}
