import { type EncoderParams, encodeBatch, FEATURE_COUNT, fitEncoder } from '@titanic/features';
import { championSpec, fitChampion } from './champion.ts';
import { type CvResult, crossValidate } from './cross-validate.ts';
import type { LabelledPassenger } from './data/load.ts';
import { type CalibrationFit, fitCalibration, needsRecalibration } from './eval/calibration.ts';
import { type FieldImportance, permutationImportance } from './eval/importance.ts';
import { type BaselineComparison, noGroupBaseline } from './eval/no-group-baseline.ts';
import { fairnessSlices, type SliceMetrics, travelGroupSlices } from './eval/slices.ts';
import { type ScoringModel, scoringProbabilities, toScoringModel } from './models/scoring.ts';
import { type Progress, silentProgress } from './progress.ts';
import { FULL_PLAN, QUICK_PLAN, type SearchPlan } from './search.ts';

export interface TrainOptions {
  readonly seed: number;
  readonly quick?: boolean;
  readonly plan?: SearchPlan;
  readonly progress?: Progress;
  /** Skip the model-card evaluations (importance, slices, baseline): nested CV needs only the model. */
  readonly evaluations?: boolean;
}

/** What the model card reports beyond the CV table, all measured out of fold. */
export interface Evaluations {
  readonly importance: FieldImportance[];
  readonly fairness: SliceMetrics[];
  readonly travelGroups: SliceMetrics[];
  readonly noGroupBaseline: BaselineComparison;
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
  readonly evaluations?: Evaluations | undefined;
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
  const spec = championSpec(cv);
  const pooledLabels = Array.from({ length: cv.champion.oof.length }, (_, i) => labels[i % labels.length]!);
  const fit = fitCalibration(cv.champion.oof, pooledLabels);
  const applied = needsRecalibration(fit);
  progress.info(
    `calibration: slope ${fit.slope.toFixed(3)}, intercept ${fit.intercept.toFixed(3)}${applied ? ' → Platt scaling applied' : ' (no correction needed)'}`,
  );
  progress.step('refit', 1, 1, spec.id);
  const fitted = fitChampion(spec, X, labels, all, F, opts.seed);
  const scoring = toScoringModel({
    ...fitted,
    logisticWeight: spec.logisticWeight,
    calibration: applied ? { a: fit.slope, b: fit.intercept } : undefined,
  });
  const algorithm = fitted.logistic
    ? fitted.gbdt
      ? 'blend(logistic-regression, gradient-boosted-trees)'
      : 'logistic-regression'
    : 'gradient-boosted-trees';
  const params: Record<string, unknown> = {
    seed: opts.seed,
    champion: spec.id,
    ...(fitted.logistic ? { logistic: spec.logistic } : {}),
    ...(fitted.gbdt ? { gbdt: spec.gbdt, gbdtTrees: fitted.gbdt.trees.length } : {}),
    ...(cv.champion.candidate.kind === 'blend' ? { logisticWeight: spec.logisticWeight } : {}),
    ...(applied ? { platt: { a: fit.slope, b: fit.intercept } } : {}),
    search: {
      folds: plan.folds,
      repeats: plan.repeats,
      successiveHalving: 'every candidate runs the first repeat; the better half of each family the rest',
      candidates: cv.results.map((r) => r.candidate.id),
    },
  };
  let evaluations: Evaluations | undefined;
  if (opts.evaluations !== false) {
    progress.step('eval', 1, 2, 'permutation importance');
    const importance = permutationImportance(passengers, labels, cv, opts.seed);
    progress.step('eval', 2, 2, 'baseline without group features');
    evaluations = {
      importance,
      fairness: fairnessSlices(passengers, labels, cv),
      travelGroups: travelGroupSlices(labels, cv),
      noGroupBaseline: noGroupBaseline(passengers, labels, cv, opts.seed),
    };
  }
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
    evaluations,
  };
}
