import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'trainer-verify-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'services/trainer/src/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, TITANIC_CSV: '' },
    encoding: 'utf8',
    timeout: 120_000,
  });

describe('npm run train -- verify', () => {
  const version = '2026.11.30-1';
  const dir = join(tmp, 'titanic', version);

  it('re-derives a trained version byte for byte, and names what an edit changed', () => {
    expect(run(['--quick', '--seed', '7', '--out', tmp, '--version', version]).status).toBe(0);
    const ok = run(['verify', '--registry', tmp, '--version', version]);
    expect(ok.stdout).toContain(`verified ${version}`);
    expect(ok.status).toBe(0);

    const json = readFileSync(join(dir, 'model.json'), 'utf8');
    const meta = JSON.parse(json);
    const auc = meta.metrics.cv.rocAuc.mean;
    meta.metrics.cv.rocAuc.mean = 0.99;
    writeFileSync(join(dir, 'model.json'), `${JSON.stringify(meta, null, 2)}\n`);
    const edited = run(['verify', '--registry', tmp, '--version', version]);
    expect(edited.status).toBe(1);
    expect(edited.stderr).toContain(`model.json metrics.cv.rocAuc.mean: committed 0.99, retrained ${auc}`);
    writeFileSync(join(dir, 'model.json'), json);

    const onnx = readFileSync(join(dir, 'model.onnx'));
    onnx.writeUInt8(onnx.readUInt8(onnx.length - 1) ^ 1, onnx.length - 1);
    writeFileSync(join(dir, 'model.onnx'), onnx);
    const swapped = run(['verify', '--registry', tmp, '--version', version]);
    expect(swapped.status).toBe(1);
    expect(swapped.stderr).toMatch(/model\.onnx: committed bytes differ/);
  }, 240_000);
});
