import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const fail = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      environment: 'local',
      dataDir: './.data/pglite',
      apiKeys: [],
      databaseUrl: undefined,
      shutdownTimeoutMs: 10_000,
      psiWindow: 1000,
    });
    expect(c.imageVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(8080);
  });

  it('names the variable and the fix for a bad value', () => {
    const e = fail({ ENVIRONMENT: 'production' });
    expect(e.variable).toBe('ENVIRONMENT');
    expect(e.message).toMatch(/^ENVIRONMENT: .*Fix: set ENVIRONMENT to one of dev, staging, prod, local$/);
    expect(fail({ PORT: 'eighty' }).variable).toBe('PORT');
    expect(fail({ PORT: '70000' }).message).toContain('at most 65535');
    expect(fail({ MODEL_SHA256: 'abc' }).variable).toBe('MODEL_SHA256');
    expect(fail({ DATABASE_URL: 'mysql://x' }).variable).toBe('DATABASE_URL');
    expect(fail({ RATE_LIMIT_RPS: '-1' }).variable).toBe('RATE_LIMIT_RPS');
    expect(fail({ LOG_LEVEL: 'loud' }).variable).toBe('LOG_LEVEL');
  });

  it('reads API keys from the variable and a file, never echoing them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inference-config-'));
    const file = join(dir, 'keys');
    writeFileSync(file, `${'b'.repeat(32)}\n\n${'c'.repeat(32)}\n`);
    const c = loadConfig({ API_KEYS: `${'a'.repeat(32)}, `, API_KEYS_FILE: file });
    expect(c.apiKeys).toEqual(['a'.repeat(32), 'b'.repeat(32), 'c'.repeat(32)]);
    const short = fail({ API_KEYS: 'short-secret' });
    expect(short.variable).toBe('API_KEYS');
    expect(short.message).not.toContain('short-secret');
    expect(fail({ API_KEYS_FILE: join(dir, 'missing') }).message).toContain('ENOENT');
  });

  it('defaults the burst to twice the rate', () => {
    expect(loadConfig({ RATE_LIMIT_RPS: '5' }).rateLimitBurst).toBe(10);
    expect(loadConfig({ RATE_LIMIT_RPS: '5', RATE_LIMIT_BURST: '3' }).rateLimitBurst).toBe(3);
  });
});
