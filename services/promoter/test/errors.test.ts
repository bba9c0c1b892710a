import { describe, expect, it } from 'vitest';
import { PromoterError, redact, registerSecret, toPromoterError } from '../src/errors.ts';

describe('errors', () => {
  it('redacts registered secrets and token-shaped strings', () => {
    registerSecret('s3cr3t-webhook-value');
    expect(redact('secret is s3cr3t-webhook-value here')).toBe('secret is [REDACTED] here');
    expect(redact('token ghp_abcdefghijklmnopqrstuvwxyz0123456789')).not.toContain('ghp_abc');
    expect(redact('authorization: Bearer abc.def.ghijklmnopqrstuvwxyz')).toBe(
      'authorization: Bearer [REDACTED]',
    );
    expect(redact('the registry token endpoint answered 401')).toBe(
      'the registry token endpoint answered 401',
    );
  });

  it('turns API errors into typed, redacted errors with a hint', () => {
    const e = toPromoterError({
      status: 401,
      message: 'Bad credentials for ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    });
    expect(e).toBeInstanceOf(PromoterError);
    expect(e.code).toBe('github');
    expect(e.hint).toBe('check GITHUB_TOKEN');
    expect(e.message).not.toContain('ghp_abcdef');
  });
});
