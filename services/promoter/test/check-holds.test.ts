import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHolds } from '../src/check-holds.ts';
import { EnvironmentFile } from '../src/env-file.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('holds check (required in CI)', () => {
  it("passes on this repository's environment files", async () => {
    expect(await checkHolds()).toEqual([]);
  });

  it('fails when a file pins the version its own hold covers, and only then', async () => {
    const root = await mkdtemp(join(tmpdir(), 'check-holds-'));
    try {
      await cp(join(ROOT, 'environments'), join(root, 'environments'), { recursive: true });
      const path = join(root, 'environments/staging.yaml');
      const file = EnvironmentFile.parse('staging', await readFile(path, 'utf8'));
      const pinned = file.value();
      const hold = (h: { model?: string; image?: string }) => ({
        ...h,
        reason: 'drift',
        since: '2026-11-26T00:00:00Z',
      });
      file.addHold(hold({ model: pinned.model.version, image: 'some-other-tag' }));
      file.addHold(hold({ model: '2000.01.01-1' }));
      await writeFile(path, file.toString());
      expect(await checkHolds(root)).toEqual([]);
      file.addHold(hold({ model: pinned.model.version }));
      await writeFile(path, file.toString());
      const problems = await checkHolds(root);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`environments/staging.yaml pins model ${pinned.model.version}`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
