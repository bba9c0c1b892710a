import { type PromoterContext, parseTrailers } from './context.ts';
import type { CommitInfo, PullInfo } from './github.ts';

/** Who the bot is on GitHub and which CI result it believes; see `trustConfig`. */
export interface Trust {
  /** Logins the bot's token acts as (`<app-slug>[bot]`, or `github-actions[bot]` for GITHUB_TOKEN). */
  readonly botLogins: readonly string[];
  /** Name of the CI check that re-derives a model's bytes and metrics (the workflow job's name). */
  readonly verifyCheck: string;
  /** Apps whose check runs count (workflow jobs are reported by `github-actions`). */
  readonly verifyApps: readonly string[];
}

export const DEFAULT_TRUST: Trust = {
  botLogins: ['github-actions[bot]'],
  verifyCheck: 'model-verify',
  verifyApps: ['github-actions'],
};

export const trustOf = (ctx: PromoterContext): Trust => ctx.trust ?? DEFAULT_TRUST;

/** A pull request the bot itself opened from one of its own branches. */
export function isBotPull(ctx: PromoterContext, p: PullInfo, branchPrefix: string): boolean {
  return p.head.startsWith(branchPrefix) && trustOf(ctx).botLogins.includes(p.author);
}

/**
 * A commit is a promotion of `env` only when the bot made it: its trailers name the environment
 * and a merged pull request the bot opened from `promote/<env>/<model>-<image>` brought it to the
 * default branch. Trailers alone are text anyone (or any alert) can write.
 */
export async function isBotPromotion(ctx: PromoterContext, c: CommitInfo, env: string): Promise<boolean> {
  const t = parseTrailers(c.message);
  if (t['Promote-Env'] !== env || c.parents.length !== 1) return false;
  const branch = `promote/${env}/${t['Promote-Model']}-${t['Promote-Image']}`;
  const pulls = await ctx.repo.pullsOfCommit(c.sha);
  return pulls.some((p) => p.merged && p.head === branch && isBotPull(ctx, p, `promote/${env}/`));
}

/** Commits a revert names, read only from the line `git revert` (and the bot) writes. */
export function revertedBy(c: CommitInfo): string | undefined {
  if (!c.message.startsWith('Revert "')) return undefined;
  return /^This reverts commit ([0-9a-f]{40})\.$/m.exec(c.message)?.[1];
}
