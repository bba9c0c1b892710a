import {
  FEATURE_COUNT,
  FEATURE_NAMES,
  histogram,
  type ModelMetadata,
  modelMetadataSchema,
  quantileEdges,
} from '@titanic/features';
import type { CandidateResult } from '../cross-validate.ts';
import type { DataQualityReport } from '../data/quality.ts';
import { calibrationTable } from '../eval/metrics.ts';
import { ONNX_INPUT, ONNX_OPSET, ONNX_OUTPUT } from '../onnx/export.ts';
import type { TrainedModel } from '../train.ts';

export interface MetadataInput {
  readonly version: string;
  readonly created: Date;
  readonly onnxSha256: string;
  readonly datasetSha256: string;
  readonly quality: DataQualityReport;
  readonly labels: Int8Array;
  readonly model: TrainedModel;
}

const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
const stat = (s: { mean: number; std: number }) => ({ mean: r6(s.mean), std: r6(s.std) });

/** The champion's calibration, pooled over every out-of-fold prediction, with the spread across folds. */
export function calibrationSummary(result: CandidateResult, labels: Int8Array) {
  const y = Array.from({ length: result.oof.length }, (_, i) => labels[i % labels.length]!);
  const pooled = calibrationTable(y, result.oof);
  return pooled.map((bin, b) => {
    const rates = result.foldCalibration.flatMap((t) =>
      t[b]!.observedRate == null ? [] : [t[b]!.observedRate!],
    );
    const mean = rates.reduce((a, c) => a + c, 0) / Math.max(1, rates.length);
    const std = Math.sqrt(rates.reduce((a, c) => a + (c - mean) ** 2, 0) / Math.max(1, rates.length - 1));
    return {
      lower: r6(bin.lower),
      upper: r6(bin.upper),
      count: bin.count,
      meanPredicted: bin.meanPredicted == null ? null : r6(bin.meanPredicted),
      observedRate: bin.observedRate == null ? null : r6(bin.observedRate),
      observedRateStd: rates.length > 1 ? r6(std) : null,
    };
  });
}

/** Mean |predicted − observed| over the ten bins, weighted by their share of predictions. */
export function expectedCalibrationError(result: CandidateResult, labels: Int8Array): number {
  const y = Array.from({ length: result.oof.length }, (_, i) => labels[i % labels.length]!);
  return calibrationTable(y, result.oof).reduce(
    (sum, b) =>
      sum +
      (b.count && b.meanPredicted != null && b.observedRate != null
        ? (b.count / y.length) * Math.abs(b.meanPredicted - b.observedRate)
        : 0),
    0,
  );
}

export function buildMetadata(input: MetadataInput): ModelMetadata {
  const { model, labels } = input;
  const n = labels.length;
  const champion = model.cv.champion;
  const trainingHistograms = FEATURE_NAMES.map((name, j) => {
    const values = Array.from({ length: n }, (_, i) => model.features[i * FEATURE_COUNT + j]!);
    return histogram(name, values, quantileEdges(values));
  });
  const metadata = {
    schemaVersion: 1 as const,
    name: 'titanic',
    version: input.version,
    created: input.created.toISOString(),
    algorithm: model.algorithm,
    files: { onnx: { path: 'model.onnx', sha256: input.onnxSha256 } },
    dataset: { sha256: input.datasetSha256, rows: n, quality: input.quality },
    onnx: { inputName: ONNX_INPUT, outputName: ONNX_OUTPUT, opset: ONNX_OPSET },
    features: [...FEATURE_NAMES],
    encoder: model.encoder,
    params: model.params,
    metrics: {
      cv: {
        folds: model.plan.folds,
        repeats: model.plan.repeats,
        accuracy: stat(champion.accuracy),
        rocAuc: stat(champion.rocAuc),
        logLoss: stat(champion.logLoss),
        brier: stat(champion.brier),
      },
      calibration: calibrationSummary(champion, labels),
      calibrationFit: {
        slope: r6(model.calibration.slope),
        intercept: r6(model.calibration.intercept),
        applied: model.calibration.applied,
        expectedCalibrationError: r6(expectedCalibrationError(champion, labels)),
      },
      candidates: model.cv.results.map((r) => ({
        id: r.candidate.id,
        accuracy: stat(r.accuracy),
        rocAuc: stat(r.rocAuc),
        logLoss: stat(r.logLoss),
        brier: stat(r.brier),
      })),
    },
    trainingPositiveRate: r6(labels.reduce((a, b) => a + b, 0) / n),
    trainingHistograms,
  };
  // Validate against the shared contract, but keep this object's key order for a readable file.
  modelMetadataSchema.parse(metadata);
  return metadata;
}
