import { MODEL_VERSION_PATTERN, SHA256_PATTERN } from '@titanic/features';
import { z } from 'zod';

const ratio = z
  .number()
  .min(0, 'expected a ratio between 0 and 1')
  .max(1, 'expected a ratio between 0 and 1');
const positiveInt = z.number().int('expected an integer').positive('expected a positive integer');

/**
 * `model.shadow`: a candidate scored beside the served model on every request (its answers are
 * never returned), pulled from the same modelcar repository.
 */
export const shadowModelSchema = z.strictObject({
  version: z.string().regex(MODEL_VERSION_PATTERN, 'expected a model version like 2026.11.25-1'),
  sha256: z.string().regex(SHA256_PATTERN, 'expected 64 hex characters'),
  digest: z
    .string()
    .regex(
      new RegExp(`^sha256:${SHA256_PATTERN.source.slice(1)}`),
      'expected an OCI digest "sha256:" + 64 hex characters',
    )
    .optional(),
});

/**
 * `liveQuality`: what ground truth and the shadow must show. The live-Brier alert (rollback) and
 * the promoter's shadow gate read these thresholds.
 */
export const liveQualitySchema = z.strictObject({
  /** The live Brier score may exceed the model card's cross-validated Brier by this much. */
  brierMargin: z.number().positive('expected a Brier margin > 0').max(1).default(0.05),
  /** Labelled predictions needed before the live Brier score can alert. */
  minLabels: positiveInt.default(200),
  /** Live evidence a shadow needs before `promote` may make it the served model. */
  shadow: z
    .strictObject({
      /** Passengers scored by both models (summed over the pods) during `window`. */
      minPredictions: positiveInt.default(1000),
      /** Share of those passengers both models label alike. */
      minAgreement: ratio.default(0.9),
      /** Largest mean |shadow probability − served probability|. */
      maxMeanShift: ratio.default(0.05),
      /** Largest PSI of the shadow's probabilities against the served model's. */
      maxPsi: z.number().positive('expected a PSI > 0').default(0.1),
      /** How far back the evidence is read from Prometheus. */
      window: z
        .string()
        .regex(/^(\d+[smhdw])+$/, 'expected a duration like "1h" or "7d"')
        .default('24h'),
    })
    .prefault({}),
});

export type LiveQuality = z.infer<typeof liveQualitySchema>;
