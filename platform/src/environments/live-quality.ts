import { z } from 'zod';
import { digest, duration, hex64, modelVersion, positiveInt, ratio } from './primitives.ts';

/**
 * `model.shadow`: a candidate scored beside the served model on every request (its answers are
 * never returned), pulled from the same modelcar repository.
 */
export const shadowModelSchema = z.strictObject({
  version: modelVersion,
  sha256: hex64,
  digest: digest.optional(),
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
      window: duration.default('24h'),
    })
    .prefault({}),
});

export type LiveQuality = z.infer<typeof liveQualitySchema>;
