import type { Environment } from '@titanic/platform/environments/schema.ts';
import { envPath, type PromoterContext } from '../context.ts';
import { EnvironmentFile } from '../env-file.ts';
import { PromoterError } from '../errors.ts';
import { durationSeconds, formatDuration } from '../evidence.ts';
import { readModel } from '../models.ts';
import type { PrometheusClient } from '../prometheus.ts';
import { isBotPromotion } from '../provenance.ts';
import { rollback } from '../rollback.ts';
import { type DeployedChange, deployedChange } from './deployed.ts';
import { commentWithUrl, readVerification, recordStatus } from './record.ts';
import { verificationComment } from './report.ts';
import { argoState, type Bundle, firingAlerts, servedBundles, windowSignals } from './signals.ts';

export interface VerifyOptions {
  readonly env: string;
  /** The merge commit to verify; default the newest change of `dist/<env>/` on the default branch. */
  readonly commit?: string;
  /** Verify again even when a final result is already recorded. */
  readonly force?: boolean;
  /** Pause between looks at Prometheus (default 15 s). */
  readonly pollMs?: number;
  /** Shortest range of the rate windows, so a young window still has two scrapes (default 60 s). */
  readonly minRangeSeconds?: number;
}

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface VerifyResult {
  readonly env: string;
  readonly outcome: 'passed' | 'failed' | 'already-recorded' | 'superseded';
  readonly commit: string;
  readonly bundle: Bundle;
  readonly pull?: { readonly number: number; readonly url: string };
  readonly checks: readonly Check[];
  /** When Argo CD reported Synced and Healthy at the bundle, and when the window ended. */
  readonly syncedAt?: string;
  readonly endedAt?: string;
  readonly rollback?: { readonly number: number; readonly url: string; readonly status: string };
  readonly evidence?: string;
}

const same = (a: Bundle, b: Bundle) => a.model === b.model && a.sha256 === b.sha256 && a.image === b.image;
const show = (b: Bundle) => `model ${b.model} (sha256 ${b.sha256.slice(0, 12)}…), image ${b.image}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Argo CD Synced and Healthy with no operation running, and every pod serving the bundle. */
async function settled(
  prom: PrometheusClient,
  env: Environment,
  bundle: Bundle,
): Promise<{ ok: boolean; detail: string }> {
  const argo = await argoState(prom, env.name, env.namespace);
  const served = await servedBundles(prom, env.name);
  const argoText = argo
    ? `Argo CD reports ${argo.sync}/${argo.health}${argo.operation ? ` (operation ${argo.operation} running)` : ''}`
    : 'Argo CD reports nothing (no argocd_app_info for the Application)';
  const wrong = served.filter((s) => !same(s, bundle));
  const servedText =
    served.length === 0
      ? 'no inference pod reports titanic_model_info'
      : wrong.length > 0
        ? `${wrong.length} of ${served.length} pods serve ${show(wrong[0]!)}`
        : `${served.length === 1 ? '1 pod serves' : `${served.length} pods serve`} the bundle`;
  const ok =
    argo?.sync === 'Synced' &&
    argo.health === 'Healthy' &&
    !argo.operation &&
    served.length > 0 &&
    wrong.length === 0;
  return { ok, detail: `${argoText}; ${servedText}` };
}

/**
 * Waits until the environment runs the merged bundle (Argo CD Synced and Healthy, every inference
 * pod serving it), then watches it for the environment's verification window. Records the result as
 * a commit status on the merge commit and as a comment on its pull request; a failed verification
 * of a promotion opens the rollback pull request with a hold.
 */
export async function verify(outer: PromoterContext, o: VerifyOptions): Promise<VerifyResult> {
  const ctx = { ...outer, repo: outer.repo.forOneRun() };
  const pollMs = o.pollMs ?? 15_000;
  const head = (await ctx.repo.branchSha(await ctx.repo.defaultBranch()))!;
  const deployed = await deployedChange(ctx, head, o.env);
  if (!deployed)
    throw new PromoterError(`nothing under dist/${o.env}/ on the default branch`, 'nothing-to-do');
  const target: DeployedChange = deployed;
  const commit = o.commit ?? target.commit;
  const env = commit === target.commit ? target.environment : await environmentAt(ctx, commit, o.env);
  const bundle: Bundle = { model: env.model.version, sha256: env.model.sha256, image: env.image.tag };
  const pull = commit === target.commit ? target.pull : undefined;
  const base = { env: o.env, commit, bundle, ...(pull ? { pull } : {}) };

  if (commit !== target.commit && !same(bundle, target.bundle)) {
    await recordStatus(
      ctx,
      commit,
      o.env,
      'error',
      `superseded by ${target.commit.slice(0, 12)} (${show(target.bundle)})`,
    );
    return { ...base, outcome: 'superseded', checks: [] };
  }
  if (!o.force) {
    const recorded = await readVerification(ctx, commit, o.env);
    if (recorded && recorded.state !== 'pending')
      return { ...base, outcome: 'already-recorded', checks: [], evidence: recorded.description };
  }

  if (!ctx.prometheus)
    throw new PromoterError(
      `verifying ${o.env} needs its Prometheus`,
      'config',
      `set PROMETHEUS_URL_${o.env.toUpperCase()} (or run in the cluster, where the Service is found)`,
    );
  const prom = ctx.prometheus(env);
  const window = durationSeconds(env.verification.window);
  const timeout = durationSeconds(env.verification.syncTimeout);
  // Ask Prometheus once before writing anything: an unreachable one fails the run, not the change.
  let state = await settled(prom, env, bundle);
  await recordStatus(ctx, commit, o.env, 'pending', `waiting for Argo CD to sync ${show(bundle)}`);
  ctx.log(`verifying ${o.env} at ${commit.slice(0, 12)}: ${show(bundle)}`);

  const checks: Check[] = [];
  const deadline = ctx.now().getTime() + timeout * 1000;
  while (!state.ok && ctx.now().getTime() < deadline) {
    await sleep(pollMs);
    state = await settled(prom, env, bundle);
  }
  checks.push({ name: 'synced', ok: state.ok, detail: state.detail });
  const syncedAt = ctx.now();
  let endedAt = syncedAt;
  if (state.ok) {
    await recordStatus(ctx, commit, o.env, 'pending', `synced; watching for ${env.verification.window}`);
    const meta = await readModel(ctx.repo, commit, env.model.name, env.model.version);
    const trainingRate = meta.ok ? meta.meta.trainingPositiveRate : undefined;
    const end = syncedAt.getTime() + window * 1000;
    for (;;) {
      // The first look comes a poll after settling: alerts about the rollout itself (a pod
      // restarting, OutOfSync during the sync) need one rule evaluation to resolve.
      await sleep(Math.min(pollMs, Math.max(0, end - ctx.now().getTime())));
      const now = ctx.now();
      const elapsed = (now.getTime() - syncedAt.getTime()) / 1000;
      const look = await lookAt(prom, env, bundle, trainingRate, Math.max(elapsed, o.minRangeSeconds ?? 60));
      endedAt = now;
      if (look.some((c) => !c.ok) || now.getTime() >= end) {
        checks.push(...look);
        break;
      }
    }
  }
  const passed = checks.every((c) => c.ok);
  const failedNames = checks.filter((c) => !c.ok).map((c) => c.name);
  const summary = passed
    ? `passed: ${bundle.model} / ${bundle.image} watched ${formatDuration((endedAt.getTime() - syncedAt.getTime()) / 1000)}`
    : `failed (${failedNames.join(', ')}): ${checks.find((c) => !c.ok)!.detail}`;

  let rolledBack: VerifyResult['rollback'];
  if (!passed && (await isBotPromotion(ctx, target.change, o.env)) && commit === target.commit) {
    try {
      const r = await rollback(ctx, {
        env: o.env,
        hold: true,
        by: 'promoter verify',
        respectClosed: true,
        reason: `verification failed: ${failedNames.join(', ')}`,
      });
      rolledBack = { number: r.pull.number, url: r.pull.url, status: r.status };
    } catch (error) {
      if (!(error instanceof PromoterError) || error.code === 'github') throw error;
      ctx.log(`no rollback: ${error.message}`);
    }
  }
  const body = verificationComment({
    env: o.env,
    commit,
    bundle,
    passed,
    checks,
    window: env.verification.window,
    syncedAt: state.ok ? syncedAt.toISOString() : undefined,
    endedAt: endedAt.toISOString(),
    ...(rolledBack ? { rollback: rolledBack } : {}),
  });
  const url = pull ? await commentWithUrl(ctx, pull.number, body) : undefined;
  await recordStatus(ctx, commit, o.env, passed ? 'success' : 'failure', summary, url);
  ctx.log(`${o.env} ${summary}`);
  return {
    ...base,
    outcome: passed ? 'passed' : 'failed',
    checks,
    ...(state.ok ? { syncedAt: syncedAt.toISOString() } : {}),
    endedAt: endedAt.toISOString(),
    ...(rolledBack ? { rollback: rolledBack } : {}),
    evidence: summary,
  };
}

/** One look during the window: still settled, no alert firing, every threshold kept. */
async function lookAt(
  prom: PrometheusClient,
  env: Environment,
  bundle: Bundle,
  trainingRate: number | undefined,
  rangeSeconds: number,
): Promise<Check[]> {
  const t = env.verification;
  const [state, alerts, s] = await Promise.all([
    settled(prom, env, bundle),
    firingAlerts(prom, env.name),
    windowSignals(prom, env.name, bundle.model, rangeSeconds),
  ]);
  const shift =
    s.meanProbability === undefined || trainingRate === undefined
      ? undefined
      : Math.abs(s.meanProbability - trainingRate);
  const fmt = (v: number | undefined, digits: number) => (v === undefined ? 'no data' : v.toFixed(digits));
  return [
    { name: 'synced', ok: state.ok, detail: state.detail },
    {
      name: 'alerts',
      ok: alerts.length === 0,
      detail:
        alerts.length === 0
          ? `no alert firing in ${env.name}`
          : `firing in ${env.name}: ${alerts.join(', ')}`,
    },
    {
      name: '5xx ratio',
      ok: s.errorRatio === undefined || s.errorRatio <= t.errorRatio,
      detail: `${fmt(s.errorRatio, 4)} of ${Math.round(s.requests)} prediction requests (threshold ${t.errorRatio})`,
    },
    {
      name: 'p99 latency',
      ok: s.p99Seconds === undefined || s.p99Seconds <= t.p99LatencySeconds,
      detail: `${s.p99Seconds === undefined ? 'no data' : `${s.p99Seconds.toFixed(3)} s`} (threshold ${t.p99LatencySeconds} s)`,
    },
    {
      name: 'prediction shift',
      ok: shift === undefined || shift <= t.predictionShift,
      detail:
        shift === undefined
          ? `no data (fewer than 100 passengers scored per pod${trainingRate === undefined ? ', or no training rate in model.json' : ''})`
          : `mean probability ${s.meanProbability!.toFixed(3)} vs training rate ${trainingRate!.toFixed(3)}: shift ${shift.toFixed(3)} (threshold ${t.predictionShift})`,
    },
  ];
}

/** The environment file as it was at `commit`. */
async function environmentAt(ctx: PromoterContext, commit: string, name: string) {
  const text = await ctx.repo.readText(commit, envPath(name));
  if (text === undefined)
    throw new PromoterError(`${envPath(name)} does not exist at ${commit.slice(0, 12)}`, 'usage');
  return EnvironmentFile.parse(name, text).value();
}
