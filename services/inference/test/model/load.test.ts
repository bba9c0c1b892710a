import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../src/errors.ts';
import { loadModel } from '../../src/model/load.ts';
import { compareVersions, newestModelPath } from '../../src/model/registry.ts';
import { MODEL_PATH } from '../support.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A copy of the model under test that a case may damage. */
function copy(): { onnx: string; json: string } {
  const dir = mkdtempSync(join(tmpdir(), 'inference-model-'));
  dirs.push(dir);
  const onnx = join(dir, 'model.onnx');
  const json = join(dir, 'model.json');
  copyFileSync(MODEL_PATH, onnx);
  copyFileSync(join(dirname(MODEL_PATH), 'model.json'), json);
  return { onnx, json };
}

async function loadError(options: Parameters<typeof loadModel>[0]): Promise<string> {
  const err = await loadModel(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelLoadError);
  return (err as Error).message;
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('loadModel', () => {
  it('loads the registry model and takes its metadata from model.json', async () => {
    const model = await loadModel({ modelPath: MODEL_PATH, expectedSha256: sha(MODEL_PATH) });
    const metadata = JSON.parse(readFileSync(join(dirname(MODEL_PATH), 'model.json'), 'utf8'));
    expect(model.metadata.version).toBe(metadata.version);
    expect(model.sha256).toBe(metadata.files.onnx.sha256);
  });

  it('refuses a file whose sha256 differs from MODEL_SHA256', async () => {
    expect(await loadError({ modelPath: MODEL_PATH, expectedSha256: '0'.repeat(64) })).toMatch(
      /MODEL_SHA256 expects 0{64}/,
    );
  });

  it('refuses a corrupt file (sha256 differs from model.json)', async () => {
    const { onnx } = copy();
    const bytes = readFileSync(onnx);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0xff;
    writeFileSync(onnx, bytes);
    expect(await loadError({ modelPath: onnx })).toMatch(/corrupt or belongs to another version/);
  });

  it('reports an unreadable ONNX file even when the recorded sha256 matches', async () => {
    const { onnx, json } = copy();
    writeFileSync(onnx, 'not a model');
    const metadata = JSON.parse(readFileSync(json, 'utf8'));
    metadata.files.onnx.sha256 = sha(onnx);
    writeFileSync(json, JSON.stringify(metadata));
    expect(await loadError({ modelPath: onnx })).toMatch(/onnxruntime cannot load/);
  });

  it('refuses missing files and invalid metadata, naming the file and field', async () => {
    const { onnx, json } = copy();
    expect(await loadError({ modelPath: join(dirname(onnx), 'nope.onnx') })).toMatch(
      /cannot read model file .*ENOENT/,
    );
    const metadata = JSON.parse(readFileSync(json, 'utf8'));
    writeFileSync(json, JSON.stringify({ ...metadata, version: 'latest' }));
    expect(await loadError({ modelPath: onnx })).toMatch(/model\.json: version: expected a version like/);
    writeFileSync(json, JSON.stringify({ ...metadata, features: ['a'] }));
    expect(await loadError({ modelPath: onnx })).toMatch(/lists features \[a\]/);
    rmSync(json);
    expect(await loadError({ modelPath: onnx })).toMatch(/cannot read model metadata/);
  });
});

describe('registry', () => {
  it('orders versions by date, then counter', () => {
    expect(['2026.11.25-10', '2026.11.25-9', '2026.01.02-1'].sort(compareVersions)).toEqual([
      '2026.01.02-1',
      '2026.11.25-9',
      '2026.11.25-10',
    ]);
    expect(() => newestModelPath('/nonexistent')).toThrow(/no model version under \/nonexistent/);
  });
});

describe('process start-up', () => {
  const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
  const run = (env: Record<string, string>) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
      timeout: 30_000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  it('exits non-zero with one clear line for a mismatched model or a bad setting', async () => {
    const [model, config] = await Promise.all([
      run({ MODEL_PATH, MODEL_SHA256: 'f'.repeat(64) }),
      run({ MODEL_PATH, ENVIRONMENT: 'moon' }),
    ]);
    expect(model.code).toBe(1);
    const line = JSON.parse(model.stderr.trim().split('\n').at(-1)!);
    expect(line).toMatchObject({ level: 'fatal' });
    expect(line.msg).toMatch(/cannot serve the model: sha256 of .* MODEL_SHA256 expects f{64}/);
    expect(config.code).toBe(1);
    expect(config.stderr).toMatch(/invalid configuration: ENVIRONMENT: .*Fix: set ENVIRONMENT/);
  });
});
