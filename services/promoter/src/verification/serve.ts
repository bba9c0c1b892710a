import { ENVIRONMENTS } from '@titanic/platform/environments/load.ts';
import type { Env } from '../config.ts';
import type { PromoterContext } from '../context.ts';
import { PromoterError } from '../errors.ts';
import { configuredPrometheusUrl } from './config.ts';
import { startVerificationTimer } from './timer.ts';

/**
 * VERIFY_ENV set: `serve` verifies that environment every VERIFY_CHECK_MS (default 60 s). Nothing
 * is read from GitHub here, so a GitHub outage delays verifications but never keeps `serve` (and
 * the rollback webhook with it) from starting.
 */
export function startVerificationFromEnv(ctx: PromoterContext, vars: Env): (() => void) | undefined {
  const name = vars.VERIFY_ENV?.trim();
  if (!name) return undefined;
  if (!(ENVIRONMENTS as readonly string[]).includes(name))
    throw new PromoterError(
      `VERIFY_ENV=${name} is not an environment`,
      'config',
      `use one of ${ENVIRONMENTS.join(', ')}`,
    );
  const interval = Number(vars.VERIFY_CHECK_MS ?? 60_000);
  if (!Number.isInteger(interval) || interval < 1000)
    throw new PromoterError(
      `VERIFY_CHECK_MS=${vars.VERIFY_CHECK_MS} is not a whole number ≥ 1000`,
      'config',
      'use e.g. 60000',
    );
  const url = configuredPrometheusUrl(name, vars, true) ?? `the in-cluster Service of ${name}'s namespace`;
  ctx.log(`verifying ${name} every ${interval / 1000} s against ${url}`);
  return startVerificationTimer(ctx, { env: name }, interval);
}
