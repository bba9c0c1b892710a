import { readFileSync } from 'node:fs';
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

describe('metric bounds', () => {
  const committed = JSON.parse(
    readFileSync(new URL('../../../models/titanic/2026.12.02-1/model.json', import.meta.url), 'utf8'),
  );
  const withImportance = (rocAucDrop: number, logLossRise: number) => ({
    ...committed,
    metrics: {
      ...committed.metrics,
      importance: [
        {
          field: 'embarked',
          rocAucDrop: { mean: rocAucDrop, std: 0.001 },
          logLossRise: { mean: logLossRise, std: 0.002 },
        },
      ],
    },
  });

  it('accepts a field whose shuffling helps by chance (negative importance)', () => {
    expect(modelMetadataSchema.safeParse(committed).success).toBe(true);
    expect(modelMetadataSchema.safeParse(withImportance(-0.002, -0.004)).success).toBe(true);
  });

  it('refuses an importance outside what ROC AUC can change by', () => {
    const result = modelMetadataSchema.safeParse(withImportance(1.5, 0));
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path.join('.')).toBe('metrics.importance.0.rocAucDrop.mean');
  });
});
