import {
  FEATURE_COUNT,
  FEATURE_NAMES,
  histogram,
  type ModelMetadata,
  modelMetadataSchema,
  quantileEdges,
} from '@titanic/features';
import type { CandidateResult, Stat } from '../cross-validate.ts';
import type { DataQualityReport } from '../data/quality.ts';
import { calibrationTable, rocAuc } from '../eval/metrics.ts';
import type { SliceMetrics } from '../eval/slices.ts';
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
  const repeats = result.oof.length / labels.length;
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
      passengersPerRepeat: r6(bin.count / repeats),
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

/**
 * Drift baselines: each feature's histogram over the out-of-fold encodings, i.e. every training
 * passenger encoded by a CV fold that did not train on it. That is what the server produces for a
 * passenger outside the training data, and (with leave-one-out encoding of recognised training
 * passengers) close to what it produces for a replayed training passenger too; the leave-one-out
 * training matrix itself would make every new passenger look drifted in the group features.
 */
export function driftBaseline(model: TrainedModel) {
  const X = model.cv.firstRepeat.heldOut;
  const n = X.length / FEATURE_COUNT;
  return FEATURE_NAMES.map((name, j) => {
    const values = Array.from({ length: n }, (_, i) => X[i * FEATURE_COUNT + j]!);
    return histogram(name, values, quantileEdges(values));
  });
}

const slice = (s: SliceMetrics) => ({
  slice: s.slice,
  passengers: r6(s.passengers),
  accuracy: r6(s.accuracy),
  truePositiveRate: s.truePositiveRate == null ? null : r6(s.truePositiveRate),
  falsePositiveRate: s.falsePositiveRate == null ? null : r6(s.falsePositiveRate),
  meanPredicted: r6(s.meanPredicted),
  observedRate: r6(s.observedRate),
  rocAuc: s.rocAuc == null ? null : r6(s.rocAuc),
  logLoss: r6(s.logLoss),
});

const scoreStats = (s: { accuracy: Stat; rocAuc: Stat; logLoss: Stat; brier: Stat }) => ({
  accuracy: stat(s.accuracy),
  rocAuc: stat(s.rocAuc),
  logLoss: stat(s.logLoss),
  brier: stat(s.brier),
});

function evaluationMetrics(model: TrainedModel) {
  const e = model.evaluations;
  if (!e) return {};
  return {
    importance: e.importance.map((f) => ({
      field: f.field,
      rocAucDrop: stat(f.rocAucDrop),
      logLossRise: stat(f.logLossRise),
    })),
    fairness: e.fairness.map(slice),
    travelGroups: e.travelGroups.map(slice),
    noGroupBaseline: {
      folds: e.noGroupBaseline.folds,
      withGroups: scoreStats(e.noGroupBaseline.withGroups),
      withoutGroups: scoreStats(e.noGroupBaseline.withoutGroups),
    },
  };
}

export function buildMetadata(input: MetadataInput): ModelMetadata {
  const { model, labels } = input;
  const n = labels.length;
  const champion = model.cv.champion;
  const pooledLabels = Array.from({ length: champion.oof.length }, (_, i) => labels[i % n]!);
  const trainingHistograms = driftBaseline(model);
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
        pooledRocAuc: r6(rocAuc(pooledLabels, champion.oof)),
      },
      calibration: calibrationSummary(champion, labels),
      calibrationFit: {
        slope: r6(model.calibration.slope),
        intercept: r6(model.calibration.intercept),
        applied: model.calibration.applied,
        expectedCalibrationError: r6(expectedCalibrationError(champion, labels)),
      },
      ...evaluationMetrics(model),
      candidates: model.cv.results.map((r) => ({
        id: r.candidate.id,
        folds: r.folds,
        accuracy: stat(r.accuracy),
        rocAuc: stat(r.rocAuc),
        logLoss: stat(r.logLoss),
        brier: stat(r.brier),
      })),
    },
    trainingPositiveRate: r6(labels.reduce((a, b) => a + b, 0) / n),
    driftBaseline: {
      source: 'out-of-fold encodings: each training passenger as encoded by the CV fold that held it out',
      rows: model.cv.firstRepeat.heldOut.length / FEATURE_COUNT,
    },
    trainingHistograms,
  };
  // Validate against the shared contract, but keep this object's key order for a readable file.
  modelMetadataSchema.parse(metadata);
  return metadata;
}
