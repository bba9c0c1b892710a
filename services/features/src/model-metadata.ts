import { z } from 'zod';
import { featureHistogramSchema } from './drift.ts';
import { encoderParamsSchema } from './encoder.ts';
import { SHA256_PATTERN } from './registry/sha256.ts';
import { MODEL_VERSION_PATTERN } from './registry/version.ts';

const sha256 = z.string().regex(SHA256_PATTERN, 'expected 64 lowercase hex characters');

const unit = z.number().min(0).max(1);

/** Mean and spread of one metric across the cross-validation folds (accuracy, ROC AUC, Brier: 0–1). */
export const foldStatSchema = z.object({ mean: unit, std: unit });
/** Log loss has no upper bound, but is never negative. */
const logLossStatSchema = z.object({ mean: z.number().nonnegative(), std: z.number().nonnegative() });
/** A change in ROC AUC (either sign: shuffling a useless field can help by chance). */
const aucChangeStatSchema = z.object({ mean: z.number().min(-1).max(1), std: unit });
/** A change in log loss (either sign, no bound but finiteness). */
const logLossChangeStatSchema = z.object({ mean: z.number(), std: z.number().nonnegative() });

export const calibrationBinSchema = z.object({
  lower: unit,
  upper: unit,
  count: z.number().int().nonnegative(),
  meanPredicted: unit.nullable(),
  observedRate: unit.nullable(),
  /** Spread (standard deviation) of the observed rate across CV folds; null with fewer than two folds. */
  observedRateStd: z.number().nullable().optional(),
  /** Passengers in the bin per CV repeat (`count` pools every repeat's predictions). */
  passengersPerRepeat: z.number().nonnegative().optional(),
});

/** One group of passengers (by sex, class, travel group) scored on out-of-fold predictions. */
export const sliceMetricsSchema = z.object({
  slice: z.string(),
  passengers: z.number().nonnegative(),
  accuracy: unit,
  truePositiveRate: unit.nullable(),
  falsePositiveRate: unit.nullable(),
  meanPredicted: unit,
  observedRate: unit,
  rocAuc: unit.nullable(),
  logLoss: z.number().nonnegative(),
});

/** Out-of-fold permutation importance of one passenger field. */
export const fieldImportanceSchema = z.object({
  field: z.string(),
  rocAucDrop: aucChangeStatSchema,
  logLossRise: logLossChangeStatSchema,
});

const scoreStatsSchema = z.object({
  accuracy: foldStatSchema,
  rocAuc: foldStatSchema,
  logLoss: logLossStatSchema,
  brier: foldStatSchema,
});

/** The champion with and without the travel-group features, refitted on the same folds. */
export const noGroupBaselineSchema = z.object({
  folds: z.number().int().positive(),
  withGroups: scoreStatsSchema,
  withoutGroups: scoreStatsSchema,
});

/**
 * A passenger is predicted to have survived when the probability is at least this. Training
 * reports accuracy at it and the server labels predictions with it: one definition for both.
 */
export const DECISION_THRESHOLD = 0.5;

/**
 * `models/<name>/<version>/model.json`: the registry entry the trainer writes and the inference
 * service and promoter read; `registry/` owns its path, the version order and verification. Unknown
 * keys are kept so the trainer can report more than readers need.
 */
export const modelMetadataSchema = z.looseObject({
  schemaVersion: z.literal(1),
  name: z.string().min(1),
  version: z.string().regex(MODEL_VERSION_PATTERN, 'expected a version like 2026.11.25-1'),
  created: z.string().datetime(),
  algorithm: z.string(),
  files: z.object({ onnx: z.object({ path: z.string(), sha256 }) }),
  dataset: z.looseObject({ sha256, rows: z.number().int().positive() }),
  onnx: z.object({ inputName: z.string(), outputName: z.string(), opset: z.number().int() }),
  features: z.array(z.string()).min(1),
  encoder: encoderParamsSchema,
  params: z.record(z.string(), z.unknown()),
  metrics: z.looseObject({
    cv: z.looseObject({
      folds: z.number().int().positive(),
      repeats: z.number().int().positive(),
      accuracy: foldStatSchema,
      rocAuc: foldStatSchema,
      logLoss: logLossStatSchema,
      brier: foldStatSchema,
      /** ROC AUC of every out-of-fold prediction pooled (the ROC plot); the mean above is per fold. */
      pooledRocAuc: z.number().optional(),
    }),
    calibration: z.array(calibrationBinSchema),
    importance: z.array(fieldImportanceSchema).optional(),
    fairness: z.array(sliceMetricsSchema).optional(),
    travelGroups: z.array(sliceMetricsSchema).optional(),
    noGroupBaseline: noGroupBaselineSchema.optional(),
  }),
  trainingPositiveRate: z.number().min(0).max(1),
  trainingHistograms: z.array(featureHistogramSchema),
});
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

export type ParsedModelMetadata =
  | { readonly ok: true; readonly meta: ModelMetadata }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses the text of a registry entry; `path` names the file in the reason, together with the
 * first offending key, so every reader (synth, alert rules, promoter, server) says the same thing.
 */
export function parseModelMetadata(text: string, path: string): ParsedModelMetadata {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: `${path} is not valid JSON` };
  }
  const parsed = modelMetadataSchema.safeParse(json);
  if (parsed.success) return { ok: true, meta: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, reason: `${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
}
