import { type EncoderParams, encodeBatch, FEATURE_COUNT, fitEncoder } from '@titanic/features';
import { type CvResult, crossValidate } from './cross-validate.ts';
import type { LabelledPassenger } from './data/load.ts';
import { type CalibrationFit, fitCalibration, needsRecalibration } from './eval/calibration.ts';
import { fitGbdt } from './models/gbdt.ts';
import { fitLogistic } from './models/logistic.ts';
import {
  type Components,
  type ScoringModel,
  scoringProbabilities,
  toScoringModel,
} from './models/scoring.ts';
import { type Progress, silentProgress } from './progress.ts';
import { FULL_PLAN, QUICK_PLAN, type SearchPlan } from './search.ts';

export interface TrainOptions {
  readonly seed: number;
  readonly quick?: boolean;
  readonly plan?: SearchPlan;
  readonly progress?: Progress;
}

export interface TrainedModel {
  readonly plan: SearchPlan;
  readonly cv: CvResult;
  readonly encoder: EncoderParams;
  readonly scoring: ScoringModel;
  /** Human name of the champion, e.g. "blend(logistic-regression, gbdt)". */
  readonly algorithm: string;
  readonly params: Record<string, unknown>;
  /** Calibration slope/intercept of the champion's out-of-fold predictions, and whether the shipped model corrects it. */
  readonly calibration: CalibrationFit & { readonly applied: boolean };
  /** The full training matrix as served to the model (float32) and the model's own predictions on it. */
  readonly features: Float32Array;
  readonly probabilities: Float32Array;
}

/**
 * Model selection by repeated stratified CV, then the champion refitted on every row
 * (encoder included) — the refit is what ships; the CV numbers describe how it generalises.
 */
export function train(rows: readonly LabelledPassenger[], opts: TrainOptions): TrainedModel {
  const plan = opts.plan ?? (opts.quick ? QUICK_PLAN : FULL_PLAN);
  const progress = opts.progress ?? silentProgress;
  const passengers = rows.map((r) => r.passenger);
  const labels = Int8Array.from(rows, (r) => r.survived);
  const cv = crossValidate(passengers, labels, plan, opts.seed, progress);
  progress.info(
    `champion ${cv.champion.candidate.id}: ROC AUC ${cv.champion.rocAuc.mean.toFixed(4)}, accuracy ${cv.champion.accuracy.mean.toFixed(4)}`,
  );

  const all = rows.map((_, i) => i);
  const encoder = fitEncoder(passengers, labels);
  const X = encodeBatch(passengers, encoder, Int32Array.from(all));
  const F = FEATURE_COUNT;
  const c = cv.champion.candidate;
  const lrParams =
    c.kind === 'logistic'
      ? c.params
      : cv.bestLogistic.candidate.kind === 'logistic'
        ? cv.bestLogistic.candidate.params
        : undefined;
  const gbParams =
    c.kind === 'gbdt'
      ? c.params
      : cv.bestGbdt.candidate.kind === 'gbdt'
        ? cv.bestGbdt.candidate.params
        : undefined;
  const useLr = c.kind !== 'gbdt';
  const useGb = c.kind !== 'logistic';
  const pooledLabels = Array.from({ length: cv.champion.oof.length }, (_, i) => labels[i % labels.length]!);
  const fit = fitCalibration(cv.champion.oof, pooledLabels);
  const applied = needsRecalibration(fit);
  progress.info(
    `calibration: slope ${fit.slope.toFixed(3)}, intercept ${fit.intercept.toFixed(3)}${applied ? ' → Platt scaling applied' : ' (no correction needed)'}`,
  );
  progress.step('refit', 1, 1, c.id);
  const components: Components = {
    logistic: useLr && lrParams ? fitLogistic(X, labels, all, F, lrParams) : undefined,
    gbdt: useGb && gbParams ? fitGbdt(X, labels, all, F, gbParams, opts.seed) : undefined,
    logisticWeight: c.kind === 'blend' ? c.logisticWeight : c.kind === 'logistic' ? 1 : 0,
    calibration: applied ? { a: fit.slope, b: fit.intercept } : undefined,
  };
  const scoring = toScoringModel(components);
  const algorithm =
    c.kind === 'blend'
      ? 'blend(logistic-regression, gradient-boosted-trees)'
      : c.kind === 'logistic'
        ? 'logistic-regression'
        : 'gradient-boosted-trees';
  const params: Record<string, unknown> = {
    seed: opts.seed,
    champion: c.id,
    ...(components.logistic ? { logistic: lrParams } : {}),
    ...(components.gbdt ? { gbdt: gbParams } : {}),
    ...(c.kind === 'blend' ? { logisticWeight: c.logisticWeight } : {}),
    ...(applied ? { platt: { a: fit.slope, b: fit.intercept } } : {}),
    search: { folds: plan.folds, repeats: plan.repeats, candidates: cv.results.map((r) => r.candidate.id) },
  };
  return {
    plan,
    cv,
    encoder,
    scoring,
    algorithm,
    params,
    calibration: { ...fit, applied },
    features: X,
    probabilities: scoringProbabilities(scoring, X, rows.length, F),
  };
}
