import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localVersions, readModelEntry } from '../../src/registry/local.ts';
import { modelEntryDir, modelEntryPath } from '../../src/registry/paths.ts';
import { sha256Hex } from '../../src/registry/sha256.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const COMMITTED = '2026.11.25-2';
const tmp = mkdtempSync(join(tmpdir(), 'features-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A checkout holding a copy of a committed entry under `version`, optionally altered. */
function checkout(
  version: string,
  alter: { json?: (meta: Record<string, unknown>) => void; onnx?: Buffer } = {},
) {
  const root = mkdtempSync(join(tmp, 'root-'));
  const source = join(REPO_ROOT, modelEntryDir('titanic', COMMITTED));
  const meta = JSON.parse(readFileSync(join(source, 'model.json'), 'utf8')) as Record<string, unknown>;
  meta.version = version;
  alter.json?.(meta);
  mkdirSync(join(root, modelEntryDir('titanic', version)), { recursive: true });
  writeFileSync(join(root, modelEntryPath('titanic', version, 'model.json')), JSON.stringify(meta));
  writeFileSync(
    join(root, modelEntryPath('titanic', version, 'model.onnx')),
    alter.onnx ?? readFileSync(join(source, 'model.onnx')),
  );
  return root;
}

describe('readModelEntry', () => {
  it('reads a committed entry and checks model.onnx against the recorded sha256', async () => {
    const entry = await readModelEntry(REPO_ROOT, 'titanic', COMMITTED);
    if (!entry.ok) throw new Error(entry.reason);
    const onnx = readFileSync(join(REPO_ROOT, modelEntryPath('titanic', COMMITTED, 'model.onnx')));
    expect(entry.onnxSha256).toBe(sha256Hex(onnx));
    expect(entry.meta.files.onnx.sha256).toBe(entry.onnxSha256);
    expect(entry.text).toBe(
      readFileSync(join(REPO_ROOT, modelEntryPath('titanic', COMMITTED, 'model.json')), 'utf8'),
    );
  });

  it('refuses a missing entry, a broken model.json, a tampered model.onnx and a wrong pin, naming the file', async () => {
    const missing = await readModelEntry(REPO_ROOT, 'titanic', '2030.01.01-1');
    expect(missing).toEqual({
      ok: false,
      problem: 'missing',
      reason: 'models/titanic/2030.01.01-1/model.json does not exist',
    });

    const invalid = await readModelEntry(
      checkout('2026.01.01-1', { json: (m) => delete m.trainingPositiveRate }),
      'titanic',
      '2026.01.01-1',
    );
    expect(invalid).toMatchObject({ ok: false, problem: 'invalid' });
    expect(!invalid.ok && invalid.reason).toMatch(
      /^models\/titanic\/2026\.01\.01-1\/model\.json: trainingPositiveRate: /,
    );

    const tampered = await readModelEntry(
      checkout('2026.01.01-2', { onnx: Buffer.from('not the model') }),
      'titanic',
      '2026.01.01-2',
    );
    expect(tampered).toMatchObject({ ok: false, problem: 'onnx-mismatch' });
    expect(!tampered.ok && tampered.reason).toContain(
      `models/titanic/2026.01.01-2/model.onnx hashes to ${sha256Hex('not the model')}`,
    );
    // Without the file check (a checkout carrying only model.json) the same entry reads.
    expect(
      (
        await readModelEntry(
          checkout('2026.01.01-3', { onnx: Buffer.from('x') }),
          'titanic',
          '2026.01.01-3',
          { verifyOnnx: false },
        )
      ).ok,
    ).toBe(true);

    const root = checkout('2026.01.01-4');
    rmSync(join(root, modelEntryPath('titanic', '2026.01.01-4', 'model.onnx')));
    expect(await readModelEntry(root, 'titanic', '2026.01.01-4')).toMatchObject({
      ok: false,
      problem: 'onnx-missing',
    });

    const pinned = await readModelEntry(REPO_ROOT, 'titanic', COMMITTED, { expectedSha256: 'a'.repeat(64) });
    expect(pinned).toMatchObject({ ok: false, problem: 'pin-mismatch' });
    expect(!pinned.ok && pinned.reason).toContain(`models/titanic/${COMMITTED}/model.json`);
  });
});

describe('localVersions', () => {
  it('lists the version folders newest first, -10 before -9, and nothing for an absent folder', () => {
    const dir = join(tmp, 'versions');
    for (const v of ['2026.01.02-9', '2026.01.02-10', '2026.01.01-40', '.tmp-2026.01.02-11-7', 'notes'])
      mkdirSync(join(dir, v), { recursive: true });
    writeFileSync(join(dir, '2026.01.03-1'), 'a file, not an entry');
    expect(localVersions(dir)).toEqual(['2026.01.02-10', '2026.01.02-9', '2026.01.01-40']);
    expect(localVersions(join(tmp, 'nowhere'))).toEqual([]);
    expect(localVersions(join(dir, '2026.01.03-1'))).toEqual([]);
  });
});
