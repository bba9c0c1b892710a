import { describe, expect, it } from 'vitest';
import { modelMetadataSchema } from '../src/model-metadata.ts';
import { MODEL_VERSION_PATTERN } from '../src/registry/version.ts';

describe('modelMetadataSchema', () => {
  it('accepts sortable versions only', () => {
    expect(MODEL_VERSION_PATTERN.test('2026.11.25-1')).toBe(true);
    expect(MODEL_VERSION_PATTERN.test('2026-11-25')).toBe(false);
  });

  it('names the field that breaks the contract', () => {
    const result = modelMetadataSchema.safeParse({ schemaVersion: 1, name: 'titanic', version: 'v1' });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('version');
    expect(paths).toContain('files');
  });
});
