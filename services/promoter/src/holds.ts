import type { Environment } from '@titanic/platform/environments/schema.ts';
import { envPath, type PromoterContext, parseTrailers } from './context.ts';
import { EnvironmentFile, type Hold } from './env-file.ts';
import { isBotPromotion } from './provenance.ts';

export const describeHold = (h: Hold) =>
  `${[h.model ? `model ${h.model}` : '', h.image ? `image ${h.image}` : ''].filter(Boolean).join(' / ')}: ${h.reason}`;

/** A hold covers what an environment pins when every version it names is the pinned one. */
export function pinnedHeld(env: Environment): Hold[] {
  return env.promotion.holds.filter(
    (h) =>
      (h.model !== undefined || h.image !== undefined) &&
      (h.model === undefined || h.model === env.model.version) &&
      (h.image === undefined || h.image === env.image.tag),
  );
}

/** Problems a required CI check reports: an environment file that runs a version it holds. */
export function holdViolations(env: Environment): string[] {
  return pinnedHeld(env).map(
    (h) =>
      `environments/${env.name}.yaml pins model ${env.model.version} with image ${env.image.tag}, which its own hold covers (${describeHold(h)}); roll back or remove the hold in a reviewed change`,
  );
}

const holdKey = (h: Hold) => `${h.model ?? ''}\u0000${h.image ?? ''}`;

/**
 * Holds of `env` that commits since its last promotion deleted, with the commit that did it: a
 * promotion pull request shows them, so lifting a hold is never silent.
 */
export async function holdsRemovedSince(
  ctx: PromoterContext,
  ref: string,
  env: string,
): Promise<Array<{ hold: string; commit: string; subject: string }>> {
  const path = envPath(env);
  const holdsAt = async (sha: string) => {
    const text = await ctx.repo.readText(sha, path);
    if (text === undefined) return [];
    try {
      return EnvironmentFile.parse(env, text).value().promotion.holds;
    } catch {
      return [];
    }
  };
  const removed: Array<{ hold: string; commit: string; subject: string }> = [];
  for (const c of await ctx.repo.history(ref, path, 50)) {
    if (parseTrailers(c.message)['Promote-Env'] === env && (await isBotPromotion(ctx, c, env))) break;
    const parent = c.parents[0];
    if (!parent) break;
    const after = new Set((await holdsAt(c.sha)).map(holdKey));
    for (const h of await holdsAt(parent))
      if (!after.has(holdKey(h)))
        removed.push({ hold: describeHold(h), commit: c.sha, subject: c.message.split('\n')[0]! });
  }
  return removed;
}
