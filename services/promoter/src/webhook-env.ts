import { type Alert, alertMarker, deliveryComment } from './alertmanager.ts';
import { envPath, type PromoterContext } from './context.ts';
import { EnvironmentFile } from './env-file.ts';
import { PromoterError, toPromoterError } from './errors.ts';
import { openRollbacks } from './pending-rollback.ts';
import { rollback } from './rollback.ts';

export interface EnvOutcome {
  env: string;
  result: 'opened' | 'reused' | 'refused' | 'nothing_to_do' | 'ignored' | 'failed';
  pull?: number;
  detail?: string;
  /** Seconds after which the same delivery may succeed (GitHub 5xx or rate limit). */
  retryAfter?: number;
}

/** Hosts of the environment's own Prometheus, the only target an alert's source link may have. */
export function prometheusHosts(namespace: string): string[] {
  return [
    `prometheus.${namespace}.svc`,
    `prometheus.${namespace}.svc.cluster.local`,
    `prometheus.${namespace}`,
  ];
}

/** Retry hint for GitHub failures a later delivery can get past; undefined for the rest. */
function retryable(error: unknown): number | undefined {
  const e = error as { status?: number; response?: { headers?: Record<string, string | undefined> } };
  if (typeof e?.status !== 'number') return undefined;
  const headers = e.response?.headers ?? {};
  const after = Number(headers['retry-after']);
  const limited = e.status === 429 || (e.status === 403 && headers['x-ratelimit-remaining'] === '0');
  if (e.status >= 500 || limited) return Number.isFinite(after) && after > 0 ? Math.min(after, 3600) : 60;
  return undefined;
}

/**
 * One environment of a delivery: alerts must be about the version the environment runs; the
 * bot's open rollback pull request is reused, otherwise one is opened (never one a human closed),
 * and the new alerts get one comment. Failures stay inside this environment.
 */
export async function handleEnv(ctx: PromoterContext, env: string, alerts: Alert[]): Promise<EnvOutcome> {
  try {
    const { repo } = ctx;
    const head = (await repo.branchSha(await repo.defaultBranch()))!;
    const text = await repo.readText(head, envPath(env));
    if (text === undefined) return { env, result: 'ignored', detail: `${envPath(env)} does not exist` };
    const running = EnvironmentFile.parse(env, text).value();
    const current = alerts.filter((a) => a.labels.model_version === running.model.version);
    if (current.length === 0) {
      const seen = [...new Set(alerts.map((a) => a.labels.model_version ?? '(none)'))].join(', ');
      return {
        env,
        result: 'ignored',
        detail: `${env} runs model ${running.model.version}; the alerts are about model_version ${seen}`,
      };
    }
    const [open] = openRollbacks(ctx, await repo.openPulls(), env);
    let pull = open?.number;
    let result: EnvOutcome['result'] = 'reused';
    if (!pull) {
      const first = current[0]!;
      try {
        const r = await rollback(ctx, {
          env,
          hold: true,
          by: 'alertmanager',
          respectClosed: true,
          reason: `${first.labels.alertname ?? 'alert'}: ${first.annotations.summary ?? 'firing'}`,
        });
        pull = r.pull.number;
        result = r.status === 'opened' ? 'opened' : 'reused';
      } catch (error) {
        if (!(error instanceof PromoterError) || error.code === 'github') throw error;
        return {
          env,
          result: error.code === 'nothing-to-do' ? 'nothing_to_do' : 'refused',
          detail: error.message,
        };
      }
    }
    const existing = (await repo.comments(pull)).join('\n');
    const fresh = current.filter((a) => !existing.includes(alertMarker(a)));
    if (fresh.length > 0)
      await repo.comment(pull, deliveryComment(env, fresh, prometheusHosts(running.namespace)));
    return { env, result, pull };
  } catch (error) {
    const after = retryable(error) ?? retryable((error as { cause?: unknown }).cause);
    return {
      env,
      result: 'failed',
      detail: toPromoterError(error).message,
      ...(after !== undefined ? { retryAfter: after } : {}),
    };
  }
}
