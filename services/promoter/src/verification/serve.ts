import type { Env } from '../config.ts';
import { envPath, type PromoterContext } from '../context.ts';
import { EnvironmentFile } from '../env-file.ts';
import { PromoterError } from '../errors.ts';
import { prometheusFor } from './config.ts';
import { startVerificationTimer } from './timer.ts';

/** VERIFY_ENV set: `serve` verifies that environment every VERIFY_CHECK_MS (default 60 s). */
export async function startVerificationFromEnv(
  ctx: PromoterContext,
  vars: Env,
): Promise<(() => void) | undefined> {
  const name = vars.VERIFY_ENV?.trim();
  if (!name) return undefined;
  const head = (await ctx.repo.branchSha(await ctx.repo.defaultBranch()))!;
  const text = await ctx.repo.readText(head, envPath(name));
  if (text === undefined)
    throw new PromoterError(
      `VERIFY_ENV=${name}: ${envPath(name)} does not exist`,
      'config',
      'use dev, staging or prod',
    );
  const env = EnvironmentFile.parse(name, text).value();
  const interval = Number(vars.VERIFY_CHECK_MS ?? 60_000);
  if (!Number.isInteger(interval) || interval < 1000)
    throw new PromoterError(
      `VERIFY_CHECK_MS=${vars.VERIFY_CHECK_MS} is not a whole number ≥ 1000`,
      'config',
      'use e.g. 60000',
    );
  const prometheus = prometheusFor(env, vars);
  ctx.log(`verifying ${name} every ${interval / 1000} s against ${prometheus.baseUrl}`);
  return startVerificationTimer(ctx, { env: name, prometheus }, interval);
}
