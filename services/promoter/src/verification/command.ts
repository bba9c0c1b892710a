import type { Env } from '../config.ts';
import type { PromoterContext } from '../context.ts';
import { PromoterError } from '../errors.ts';
import { type VerifyResult, verify } from './verify.ts';

/** `promoter verify`: runs one verification and formats it for the terminal. */
export async function verifyCommand(
  ctx: PromoterContext,
  o: { env: string; commit?: string; force?: boolean },
  vars: Env,
): Promise<{ text: string; result: VerifyResult }> {
  if (o.commit !== undefined && !/^[0-9a-f]{40}$/.test(o.commit))
    throw new PromoterError(
      `--commit ${o.commit} is not a full commit sha`,
      'usage',
      'pass the 40-digit merge commit',
    );
  const poll = vars.VERIFY_POLL_MS === undefined ? undefined : Number(vars.VERIFY_POLL_MS);
  if (poll !== undefined && (!Number.isInteger(poll) || poll < 100))
    throw new PromoterError(
      `VERIFY_POLL_MS=${vars.VERIFY_POLL_MS} is not a whole number ≥ 100`,
      'config',
      'use e.g. 15000',
    );
  const result = await verify(ctx, {
    ...o,
    ...(poll !== undefined ? { pollMs: poll } : {}),
  });
  const lines = [
    `${result.outcome}: ${o.env} at ${result.commit.slice(0, 12)} (model ${result.bundle.model}, image ${result.bundle.image})`,
    ...result.checks.map((c) => `  ${c.ok ? 'pass' : 'FAIL'}  ${c.name.padEnd(16)} ${c.detail}`),
    ...(result.evidence ? [`  ${result.evidence}`] : []),
    ...(result.rollback ? [`  rollback ${result.rollback.status}: ${result.rollback.url}`] : []),
  ];
  return { text: lines.join('\n'), result };
}
