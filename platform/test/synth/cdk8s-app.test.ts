import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { FIXTURE_ROOT, renderFixture } from '../charts/render.ts';

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..', '..');
let out: string | undefined;
afterAll(async () => {
  if (out) await rm(out, { recursive: true, force: true });
});

describe('cdk8s CLI entry point', () => {
  it('cdk8s.yaml runs platform/src/synth/cdk8s-app.ts, which writes the same objects as npm run synth', async () => {
    const config = parse(await readFile(join(REPO, 'cdk8s.yaml'), 'utf8'));
    expect(config.app).toBe('npx tsx platform/src/synth/cdk8s-app.ts');
    expect(config.output).not.toBe('dist');
    out = await mkdtemp(join(tmpdir(), 'titanic-cdk8s-'));
    // The cdk8s CLI runs `app` with CDK8S_OUTDIR set to its output folder.
    await run(join(REPO, 'node_modules', '.bin', 'tsx'), ['platform/src/synth/cdk8s-app.ts'], {
      cwd: REPO,
      env: { ...process.env, CDK8S_OUTDIR: out, TITANIC_ROOT: FIXTURE_ROOT },
    });
    const written = (await readdir(out)).sort();
    expect(written).toContain('prod-inference.k8s.yaml');
    expect(written).toContain('argocd.k8s.yaml');
    const dist = await renderFixture();
    const objects = (t: string) => parseAllDocuments(t).map((d) => d.toJS());
    expect(objects(await readFile(join(out, 'prod-inference.k8s.yaml'), 'utf8'))).toEqual(
      objects(dist['dist/prod/inference.yaml'] as string),
    );
  });
});
