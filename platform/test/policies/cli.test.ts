import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDist } from '../../src/synth/dist.ts';
import { FIXTURE_ROOT } from '../charts/render.ts';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..', '..');
let root: string;

async function policy(): Promise<{ code: number; stdout: string }> {
  return run(join(REPO, 'node_modules', '.bin', 'tsx'), [
    join(REPO, 'platform', 'src', 'policies', 'main.ts'),
    '--root',
    root,
  ]).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }),
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'titanic-policy-'));
  await cp(FIXTURE_ROOT, root, { recursive: true });
  await writeDist({ root });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('npm run policy', () => {
  it('passes a fresh render (digest warnings only) and fails, conftest-style, on a violation', async () => {
    const clean = await policy();
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/\d+ tests, \d+ passed, 8 warnings, 0 failures, 0 exceptions/);

    const file = join(root, 'dist', 'prod', 'inference.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'));
    const broken = await policy();
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(
      'FAIL - dist/prod/inference.yaml - Deployment/inference - container "inference" must set readOnlyRootFilesystem: true [TGP-001 pod-security-restricted]',
    );
    expect(broken.stdout).toMatch(/1 failures, 0 exceptions$/m);
  });
});
