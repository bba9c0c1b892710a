import type { PromoterContext } from './context.ts';
import type { GateResult } from './gates.ts';
import type { PullInfo } from './github.ts';
import { parseDataBlock } from './pr-body.ts';
import { isBotPull } from './provenance.ts';

/** The bot's open rollback pull requests of `env`, oldest first. */
export function openRollbacks(ctx: PromoterContext, pulls: readonly PullInfo[], env: string): PullInfo[] {
  return pulls
    .filter((p) => {
      if (!isBotPull(ctx, p, `rollback/${env}/`)) return false;
      const data = parseDataBlock(p.body);
      return data?.kind === 'rollback' && data.env === env;
    })
    .sort((a, b) => a.number - b.number);
}

/** The bot's open promotion pull requests of `env` (its branch names the environment). */
export function openPromotions(ctx: PromoterContext, pulls: readonly PullInfo[], env: string): PullInfo[] {
  return pulls.filter((p) => {
    if (!isBotPull(ctx, p, `promote/${env}/`)) return false;
    const data = parseDataBlock(p.body);
    return !data || (data.kind === 'promotion' && data.env === env);
  });
}

/**
 * Refuses a promotion of `env` while the bot's rollback pull request of it is open, naming the
 * rollback. A rollback is incident response, so it comes first: a promotion merged before it
 * would make the revert conflict or be undone by it, and one merged after would undo the rollback
 * and, when it brings the held version, the hold.
 */
export function rollbackGate(env: string, rollbacks: readonly PullInfo[]): GateResult {
  const first = rollbacks[0];
  if (!first) return { gate: 'rollback', ok: true, detail: `no rollback of ${env} is open` };
  const data = parseDataBlock(first.body);
  const reverts = data ? `, which takes ${env} off model ${data.model} with image ${data.image},` : '';
  return {
    gate: 'rollback',
    ok: false,
    detail: `rollback #${first.number} (${first.url})${reverts} is open: a rollback comes before any promotion of ${env}; merge or close it, then promote again`,
  };
}

/**
 * Closes a promotion pull request in favour of an open rollback, saying so on it. Promote and
 * rollback each open their pull request before looking for the other's, so whichever looks second
 * sees the first, and the promotion is the one closed whatever the order.
 */
export async function yieldToRollback(
  ctx: PromoterContext,
  promotion: number,
  rollback: { readonly number: number; readonly url: string },
  env: string,
): Promise<void> {
  await ctx.repo.comment(
    promotion,
    `Closed: rollback #${rollback.number} (${rollback.url}) of ${env} is open, and a rollback comes before any promotion. Promote again once it is merged or closed; a version it holds stays refused until a human removes the hold.`,
  );
  await ctx.repo.close(promotion);
}
