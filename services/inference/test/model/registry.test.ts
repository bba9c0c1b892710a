import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newestModelPath } from '../../src/model/registry.ts';

const tmp = mkdtempSync(join(tmpdir(), 'inference-registry-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('newestModelPath', () => {
  it('serves 2026.11.25-10 over 2026.11.25-9 and skips folders that are not versions', () => {
    for (const v of ['2026.11.25-9', '2026.11.25-10', '2026.11.24-99', '.tmp-2026.11.25-11-7'])
      mkdirSync(join(tmp, v), { recursive: true });
    expect(newestModelPath(tmp)).toBe(join(tmp, '2026.11.25-10', 'model.onnx'));
  });
});
