import type { PromoterContext } from '../context.ts';
import { every } from '../interval.ts';
import { verify } from './verify.ts';

/**
 * `serve` verifies its environment's newest deployed change on a timer, so a change merged without
 * the workflow (or while it was down) is verified too; a recorded result is not repeated.
 */
export function startVerificationTimer(
  ctx: PromoterContext,
  options: { env: string },
  intervalMs = 60_000,
): () => void {
  return every(
    intervalMs,
    async () => {
      const r = await verify(ctx, options);
      if (r.outcome !== 'already-recorded') ctx.log(`verification of ${options.env}: ${r.outcome}`);
    },
    (error) => ctx.log(`verification of ${options.env} failed to run: ${error.message}`),
  );
}
