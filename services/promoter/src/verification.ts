import type { PromoterContext } from './context.ts';
import { trustOf } from './provenance.ts';

export interface Verification {
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * Whether CI re-derived a model version's files from the training data: the last commit on the
 * default branch that changed `models/<name>/<version>/` must carry a successful check run of the
 * verifying job, reported by the trusted app (a workflow job cannot be impersonated by a token).
 * A later edit of model.json (say, its metrics) is a newer commit that CI re-verifies or fails.
 */
export async function metricsVerification(
  ctx: PromoterContext,
  ref: string,
  name: string,
  version: string,
): Promise<Verification> {
  const trust = trustOf(ctx);
  const dir = `models/${name}/${version}`;
  const [last] = await ctx.repo.history(ref, dir, 1);
  if (!last) return { ok: false, detail: `${dir} has no commit on the default branch` };
  const where = `${last.sha.slice(0, 12)} (“${last.message.split('\n')[0]}”, the last change to ${dir})`;
  const runs = (await ctx.repo.checkRuns(last.sha, trust.verifyCheck)).filter((r) =>
    trust.verifyApps.includes(r.app),
  );
  const newest = runs.sort((a, b) => b.completedAt.localeCompare(a.completedAt))[0];
  if (!newest)
    return {
      ok: false,
      detail: `no ${trust.verifyCheck} check from ${trust.verifyApps.join('/')} on ${where}`,
    };
  if (newest.conclusion !== 'success')
    return { ok: false, detail: `${trust.verifyCheck} ended ${newest.conclusion} on ${where}` };
  return { ok: true, detail: `${trust.verifyCheck} re-derived it on ${last.sha.slice(0, 12)}` };
}
