import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { checkDist, synthEnvironments, writeDist } from '../../src/synth/index.ts';
import { FIXTURE_ROOT } from '../charts/render.ts';

const run = promisify(execFile);
const TSX = join(import.meta.dirname, '..', '..', '..', 'node_modules', '.bin', 'tsx');
const MAIN = join(import.meta.dirname, '..', '..', 'src', 'synth', 'main.ts');
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'titanic-synth-'));
  await cp(FIXTURE_ROOT, root, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('synth', () => {
  it('is deterministic and free of timestamps', async () => {
    const a = await synthEnvironments({ root });
    const b = await synthEnvironments({ root });
    expect(b).toEqual(a);
    expect(Object.keys(a)).toEqual([...Object.keys(a)].sort());
    const all = Object.values(a).join('\n');
    expect(all).not.toMatch(/creationTimestamp|20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(?!\.000Z)/);
  });

  it('renders only the requested environments, plus dist/argocd', async () => {
    const files = await synthEnvironments({ root, envs: ['prod'], outDir: 'out' });
    expect(Object.keys(files).map((f) => f.split('/').slice(0, 2).join('/'))).toEqual(
      expect.arrayContaining(['out/argocd', 'out/prod']),
    );
    expect(Object.keys(files).some((f) => f.startsWith('out/dev/'))).toBe(false);
    await expect(synthEnvironments({ root, envs: ['qa'] })).rejects.toThrow('unknown environment "qa"');
    const absolute = await synthEnvironments({ root, envs: ['dev'], outDir: join(root, 'out') });
    expect(Object.keys(absolute)).toEqual(
      Object.keys(files)
        .map((f) => f.replace('out/prod/', 'out/dev/'))
        .sort(),
    );
    await expect(synthEnvironments({ root, outDir: '../elsewhere' })).rejects.toThrow(
      'must be a folder inside',
    );
  });

  it('writes dist/, then reports it fresh; detects stale, missing and extra files and repairs them', async () => {
    const first = await writeDist({ root });
    expect(first.missing.length).toBe(Object.keys(first.files).length);
    expect((await checkDist({ root })).ok).toBe(true);

    const envPath = join(root, 'environments', 'prod.yaml');
    const doc = parseDocument(await readFile(envPath, 'utf8'));
    doc.setIn(['image', 'tag'], '0.2.0');
    await writeFile(envPath, doc.toString());
    await rm(join(root, 'dist', 'dev', 'grafana.yaml'));
    await writeFile(join(root, 'dist', 'staging', 'old.yaml'), 'kind: ConfigMap\n');

    const check = await checkDist({ root });
    expect(check).toMatchObject({
      ok: false,
      stale: ['dist/prod/inference.yaml'],
      missing: ['dist/dev/grafana.yaml'],
      extra: ['dist/staging/old.yaml'],
    });
    const cli = await run(TSX, [MAIN, '--check', '--root', root]).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('stale:   dist/prod/inference.yaml');
    expect(cli.stderr).toContain('missing: dist/dev/grafana.yaml');
    expect(cli.stderr).toContain('extra:   dist/staging/old.yaml');

    const repaired = await writeDist({ root });
    expect(repaired.extra).toEqual(['dist/staging/old.yaml']);
    expect((await checkDist({ root })).ok).toBe(true);
    expect(await readFile(join(root, 'dist', 'prod', 'inference.yaml'), 'utf8')).toContain(
      'ghcr.io/titanic-ml/titanic-inference:0.2.0',
    );
  });

  it('fails with file and key when the pinned model is not in the registry or its hash differs', async () => {
    const envPath = join(root, 'environments', 'dev.yaml');
    const doc = parseDocument(await readFile(envPath, 'utf8'));
    doc.setIn(['model', 'sha256'], 'b'.repeat(64));
    await writeFile(envPath, doc.toString());
    await expect(synthEnvironments({ root })).rejects.toThrow(
      `environments/dev.yaml: model.sha256: expected ${'a'.repeat(64)} (files.onnx.sha256 of models/titanic/2026.01.01-1/model.json)`,
    );
    doc.setIn(['model', 'version'], '2030.01.01-1');
    await writeFile(envPath, doc.toString());
    await expect(synthEnvironments({ root })).rejects.toThrow(
      'environments/dev.yaml: model.version: expected a version in the registry, but models/titanic/2030.01.01-1/model.json does not exist',
    );
  });
});
