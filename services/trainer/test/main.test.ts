import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'trainer-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function train(args: string[], env: Record<string, string> = {}) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'services/trainer/src/main.ts'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, TITANIC_CSV: '', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

describe('npm run train', () => {
  it('trains, writes the next version and prints metrics and wall time', () => {
    const out = join(tmp, 'registry');
    const first = train(['--quick', '--seed', '3', '--out', out]);
    expect(first.stderr).toMatch(/cv\s+\[#+\] 10\/10/);
    expect(first.stderr).toMatch(/accuracy\s+0\.\d+ ± 0\.\d+/);
    expect(first.stderr).toMatch(/wall time \d+\.\d s/);
    expect(first.status).toBe(0);
    const second = train(['--quick', '--seed', '4', '--out', out]);
    expect(second.status).toBe(0);
    const versions = readdirSync(join(out, 'titanic')).sort();
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatch(/^\d{4}\.\d{2}\.\d{2}-1$/);
    expect(versions[1]).toMatch(/^\d{4}\.\d{2}\.\d{2}-2$/);
  });

  it('explains bad flags (exit 2) and bad data (exit 1) without a stack trace', () => {
    const seed = train(['--seed', 'many', '--out', tmp]);
    expect(seed.status).toBe(2);
    expect(seed.stderr).toContain('train: --seed "many" is not a whole number');
    const flag = train(['--fast']);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/train: Unknown option '--fast'[\s\S]*usage: npm run train/);
    const data = train(['--quick', '--out', tmp], { TITANIC_CSV: join(tmp, 'missing.csv') });
    expect(data.status).toBe(1);
    expect(data.stderr).toMatch(/train: TITANIC_CSV points to .*missing\.csv, which does not exist/);
    expect(data.stderr).not.toMatch(/\n\s+at /);
  });
});
