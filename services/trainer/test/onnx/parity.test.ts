import { FEATURE_COUNT, FEATURE_NAMES } from '@titanic/features';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitGbdt } from '../../src/models/gbdt.ts';
import { fitLogistic } from '../../src/models/logistic.ts';
import { scoringProbabilities, toScoringModel } from '../../src/models/scoring.ts';
import { exportOnnx } from '../../src/onnx/export.ts';
import { checkOnnxParity, maxAbsDiff, onnxProbabilities } from '../../src/onnx/parity.ts';
import { type TrainedModel, train } from '../../src/train.ts';
import { trainingRows } from '../support/training-data.ts';

const rows = trainingRows();
const N = rows.length;
let model: TrainedModel;

beforeAll(() => {
  model = train(rows, { seed: 5, quick: true });
});

const run = onnxProbabilities;

describe('ONNX export', () => {
  it('matches the trainer predictions on all 891 rows within 1e-5', async () => {
    expect(N).toBe(891);
    const champion = await run(
      exportOnnx(model.scoring, { featureNames: FEATURE_NAMES, metadata: {} }),
      model.features,
      N,
    );
    expect(maxAbsDiff(champion, model.probabilities)).toBeLessThanOrEqual(1e-5);
  });

  it('keeps parity for linear-only, tree-only and calibrated blends', async () => {
    const labels = Int8Array.from(rows, (r) => r.survived);
    const all = rows.map((_, i) => i);
    const lr = fitLogistic(model.features, labels, all, FEATURE_COUNT, { C: 0.3 });
    const gb = fitGbdt(
      { X: model.features, y: labels, rows: all, F: FEATURE_COUNT },
      { trees: 80, depth: 4, learningRate: 0.1, lambda: 1, minChildWeight: 1, subsample: 0.8 },
      3,
    );
    for (const components of [
      { logistic: lr, logisticWeight: 1 },
      { gbdt: gb, logisticWeight: 0 },
      { logistic: lr, gbdt: gb, logisticWeight: 0.4, calibration: { a: 1.2, b: -0.1 } },
    ]) {
      const scoring = toScoringModel(components);
      const onnx = await run(
        exportOnnx(scoring, { featureNames: FEATURE_NAMES, metadata: {} }),
        model.features,
        N,
      );
      expect(
        maxAbsDiff(onnx, scoringProbabilities(scoring, model.features, N, FEATURE_COUNT)),
      ).toBeLessThanOrEqual(1e-5);
    }
  });

  it('exports single-leaf trees (nothing worth splitting) faithfully', async () => {
    const stump = { feature: [-1], threshold: [0], left: [-1], right: [-1], value: [Math.fround(0.25)] };
    const split = {
      feature: [4, -1, -1],
      threshold: [0, 0, 0],
      left: [1, -1, -1],
      right: [2, -1, -1],
      value: [0, -1, 1],
    };
    const scoring = { weights: null, bias: Math.fround(-0.5), trees: [stump, split] };
    const onnx = await run(
      exportOnnx(scoring, { featureNames: FEATURE_NAMES, metadata: {} }),
      model.features,
      N,
    );
    expect(
      maxAbsDiff(onnx, scoringProbabilities(scoring, model.features, N, FEATURE_COUNT)),
    ).toBeLessThanOrEqual(1e-6);
    // Column 4 is sex_female: men (0 <= 0) take the left leaf, women the right one.
    const male = rows.findIndex((r) => r.passenger.sex === 'male');
    expect(onnx[male]).toBeCloseTo(1 / (1 + Math.exp(-(-0.5 + 0.25 - 1))), 6);
  });

  it('accepts any batch size, including one row', async () => {
    const bytes = exportOnnx(model.scoring, { featureNames: FEATURE_NAMES, metadata: {} });
    const one = await run(bytes, model.features.slice(0, FEATURE_COUNT), 1);
    expect(one[0]).toBeCloseTo(model.probabilities[0]!, 5);
  });

  it('the trainer checks the exported file itself and refuses one that answers differently', async () => {
    const bytes = exportOnnx(model.scoring, { featureNames: FEATURE_NAMES, metadata: {} });
    expect(await checkOnnxParity(bytes, model.features, model.probabilities)).toBeLessThanOrEqual(1e-5);
    // A file exported from other leaf values: what a broken exporter or a mixed-up model would write.
    const shifted = model.probabilities.map((p) => p + 1e-3);
    await expect(checkOnnxParity(bytes, model.features, shifted)).rejects.toThrow(
      /differs from the trainer's scoring by .*nothing was written/,
    );
  });

  it('records version, features and dataset sha256 in metadata_props', () => {
    const bytes = exportOnnx(model.scoring, {
      featureNames: FEATURE_NAMES,
      metadata: { version: '2026.01.02-3', features: JSON.stringify(FEATURE_NAMES), dataset_sha256: 'abc' },
    });
    const decoded = onnxProto.onnx.ModelProto.decode(bytes);
    const props = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
    expect(props).toEqual({
      version: '2026.01.02-3',
      features: JSON.stringify(FEATURE_NAMES),
      dataset_sha256: 'abc',
    });
    expect(decoded.graph?.input?.[0]?.name).toBe('features');
    expect(decoded.graph?.output?.[0]?.name).toBe('probability');
  });
});
