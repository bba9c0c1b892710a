import type { Environment } from '@titanic/platform/environments/schema.ts';
import type { PromoterContext } from '../context.ts';
import { formatDuration } from '../evidence.ts';
import { deployedChange } from './deployed.ts';
import { readVerification } from './record.ts';
import { lastFiring } from './signals.ts';

/** Why the upstream's soak counts from `since`, or why there is no soak to count. */
export type SoakEvidence =
  | {
      readonly ok: true;
      /** The merge commit whose verification passed. */
      readonly commit: string;
      /** Start of the alert-free run: the verification, or the last alert after it. */
      readonly since: string;
      readonly detail: string;
    }
  | { readonly ok: false; readonly detail: string };

/**
 * The soak of the upstream environment as evidence: its newest deployed change runs the bundle,
 * the bot recorded a passed verification on it, and Prometheus shows no alert of the environment
 * firing since then (an alert restarts the soak when it resolves).
 */
export async function soakEvidence(
  ctx: PromoterContext,
  ref: string,
  upstream: Environment,
  model: string,
  image: string,
): Promise<SoakEvidence> {
  const deployed = await deployedChange(ctx, ref, upstream.name);
  if (!deployed) return { ok: false, detail: `nothing under dist/${upstream.name}/ to verify` };
  const at = deployed.commit.slice(0, 12);
  if (deployed.bundle.model !== model || deployed.bundle.image !== image)
    return {
      ok: false,
      detail: `${upstream.name}'s newest deployed change ${at} runs model ${deployed.bundle.model} with image ${deployed.bundle.image}`,
    };
  const recorded = await readVerification(ctx, deployed.commit, upstream.name);
  if (recorded?.state !== 'success')
    return {
      ok: false,
      detail: recorded
        ? `the verification of ${upstream.name} at ${at} is ${recorded.state}: ${recorded.description}`
        : `${upstream.name} at ${at} has no verification yet (\`promoter verify --env ${upstream.name}\`)`,
    };
  if (!ctx.prometheus)
    return { ok: false, detail: `no Prometheus of ${upstream.name} to read its alerts from` };
  const now = ctx.now();
  const passed = new Date(recorded.at);
  const fired = await lastFiring(
    ctx.prometheus(upstream),
    upstream.name,
    (now.getTime() - passed.getTime()) / 1000,
  );
  const since = fired && fired.at > passed ? fired.at : passed;
  const evidence = `verification passed at ${recorded.at} on ${at}${recorded.url ? ` (${recorded.url})` : ''}`;
  return {
    ok: true,
    commit: deployed.commit,
    since: since.toISOString(),
    detail: fired
      ? `${evidence}; ${fired.alerts.join(', ')} fired since, last at ${fired.at.toISOString()}: alert-free for ${formatDuration((now.getTime() - since.getTime()) / 1000)}`
      : `${evidence}; no alert of ${upstream.name} since: alert-free for ${formatDuration((now.getTime() - since.getTime()) / 1000)}`,
  };
}
