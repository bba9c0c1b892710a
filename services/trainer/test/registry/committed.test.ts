import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  encodeBatch,
  encoderParamsSchema,
  FEATURE_COUNT,
  FEATURE_NAMES,
  modelMetadataSchema,
} from '@titanic/features';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/data/locate.ts';
import { scoringProbabilities } from '../../src/models/scoring.ts';
import { readScoringModel } from '../../src/onnx/import.ts';
import { trainingRows } from '../support/training-data.ts';

const MODELS = join(import.meta.dirname, '..', '..', '..', '..', 'models', 'titanic');
const versions = existsSync(MODELS) ? readdirSync(MODELS).filter((v) => !v.startsWith('.')) : [];

describe('committed registry (models/titanic)', () => {
  it('holds at least one version', () => {
    expect(versions.length).toBeGreaterThan(0);
  });

  it.each(versions)('%s is complete, consistent and runs in onnxruntime', async (version) => {
    const dir = join(MODELS, version);
    const meta = modelMetadataSchema.parse(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
    expect(meta.version).toBe(version);
    const bytes = readFileSync(join(dir, 'model.onnx'));
    expect(sha256Hex(bytes)).toBe(meta.files.onnx.sha256);
    expect(meta.features).toEqual([...FEATURE_NAMES]);
    // The product's quality floor on the champion's cross-validation.
    expect(meta.metrics.cv.folds).toBe(10);
    expect(meta.metrics.cv.accuracy.mean).toBeGreaterThanOrEqual(0.835);
    expect(meta.metrics.cv.rocAuc.mean).toBeGreaterThanOrEqual(0.875);
    for (const f of ['MODEL_CARD.md', 'roc.svg', 'calibration.svg'])
      expect(existsSync(join(dir, f))).toBe(true);

    const props = Object.fromEntries(
      onnxProto.onnx.ModelProto.decode(bytes).metadataProps.map((p) => [p.key, p.value]),
    );
    expect(props.version).toBe(version);
    expect(props.dataset_sha256).toBe(meta.dataset.sha256);

    const rows = trainingRows();
    const passengers = rows.map((r) => r.passenger);
    const encoder = encoderParamsSchema.parse(meta.encoder);
    // The training matrix (each row's own outcome left out, as the trainer encoded it) and the
    // serving path (no member ids) for the training passengers and for passengers it never saw.
    const training = encodeBatch(
      passengers,
      encoder,
      Int32Array.from(rows, (_, i) => i),
    );
    const strangers = passengers.map((p, i) => ({
      ...p,
      name: `Stranger${i}, ${p.sex === 'female' ? 'Mrs' : 'Mr'}. X`,
      age: i % 7 === 0 ? null : p.age,
    }));
    const serving = encodeBatch([...passengers, ...strangers], encoder);
    const scoring = readScoringModel(bytes);
    const session = await ort.InferenceSession.create(bytes);
    try {
      for (const [what, X] of [
        ['training matrix', training],
        ['serving path', serving],
      ] as const) {
        const n = X.length / FEATURE_COUNT;
        const out = await session.run({
          [meta.onnx.inputName]: new ort.Tensor('float32', X, [n, FEATURE_COUNT]),
        });
        const p = out[meta.onnx.outputName]!.data as Float32Array;
        expect(p, what).toHaveLength(n);
        const expected = scoringProbabilities(scoring, X, n, FEATURE_COUNT);
        let worst = 0;
        for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(p[i]! - expected[i]!));
        expect(worst, `${version} ${what}: max |onnxruntime - trainer|`).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      await session.release();
    }
  });
});
