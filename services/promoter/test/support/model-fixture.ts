import { createHash } from 'node:crypto';
import { FEATURE_NAMES, type ModelMetadata, modelMetadataSchema } from '@titanic/features';

export interface FixtureModel {
  readonly version: string;
  readonly onnx: Buffer;
  readonly json: string;
}

/** A registry entry valid under modelMetadataSchema; only the metrics vary between versions. */
export function fixtureModel(version: string, rocAuc: number, accuracy = 0.82, brier = 0.13): FixtureModel {
  const onnx = Buffer.from(`fixture onnx bytes of ${version}\n`);
  const stat = (mean: number) => ({ mean, std: 0.01 });
  const meta: ModelMetadata = modelMetadataSchema.parse({
    schemaVersion: 1,
    name: 'titanic',
    version,
    created: '2026-11-20T00:00:00Z',
    algorithm: 'logistic-regression',
    files: { onnx: { path: 'model.onnx', sha256: createHash('sha256').update(onnx).digest('hex') } },
    dataset: { sha256: '4a437fde05fe5264e1701a7387ac6fb75393772ba38bb2c9c566405af5af4bd7', rows: 891 },
    onnx: { inputName: 'features', outputName: 'probability', opset: 13 },
    features: [...FEATURE_NAMES],
    encoder: {
      ageMedianByTitle: { Mr: 30, Mrs: 35, Miss: 22, Master: 4, Rare: 48 },
      ageMedian: 28,
      fareMedianByClass: { '1': 60, '2': 14, '3': 8 },
      embarkedMode: 'S',
    },
    params: { c: 1 },
    metrics: {
      cv: {
        folds: 5,
        repeats: 2,
        accuracy: stat(accuracy),
        rocAuc: stat(rocAuc),
        logLoss: stat(0.42),
        brier: stat(brier),
      },
      calibration: [],
    },
    trainingPositiveRate: 0.38,
    trainingHistograms: [],
  });
  return { version, onnx, json: `${JSON.stringify(meta, null, 2)}\n` };
}
