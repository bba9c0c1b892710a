import {
  type EncoderParams,
  encodeBatch,
  FEATURE_COUNT,
  FEATURE_NAMES,
  fitEncoder,
  type Passenger,
} from '@titanic/features';
import { type Fold, stratifiedFolds } from './eval/folds.ts';
import type { CalibrationBin } from './eval/metrics.ts';
import { type CandidateResult, leaderboard, summarise } from './eval/summary.ts';
import { fitGbdtEarlyStopped } from './models/early-stopping.ts';
import { type GbdtModel, gbdtLogits } from './models/gbdt.ts';
import { fitLogistic, type LogisticModel, logisticLogits } from './models/logistic.ts';
import { type Progress, silentProgress } from './progress.ts';
import { type Candidate, gbdtId, logisticId, type SearchPlan } from './search.ts';

export type { CandidateResult, Stat } from './eval/summary.ts';
export type { CalibrationBin };
export { leaderboard };

export type FoldModel = LogisticModel | GbdtModel;

/** What the first repeat's folds keep for the evaluations that follow the search. */
export interface FirstRepeat {
  readonly folds: readonly Fold[];
  /** Each fold's encoder, fitted on its training rows. */
  readonly encoders: readonly EncoderParams[];
  /** Per base candidate, per fold: the fitted model. */
  readonly models: ReadonlyArray<readonly FoldModel[]>;
  /**
   * Every row encoded as the fold that held it out saw it: what serving produces for a passenger
   * the model was not trained on (the drift baseline), row-major [N, F].
   */
  readonly heldOut: Float32Array;
}

export interface CvResult {
  readonly folds: readonly Fold[];
  readonly results: CandidateResult[];
  readonly champion: CandidateResult;
  /** The blend's parts, when the champion is a blend (or the best of each family otherwise). */
  readonly bestLogistic: CandidateResult;
  readonly bestGbdt: CandidateResult;
  /** Per repeat and row (repeat * N + row): 1 when the held-out row had a known travel-group member. */
  readonly knownGroup: Uint8Array;
  readonly firstRepeat: FirstRepeat;
}

/** Fits the fold's encoder on its training rows only, so imputation never sees the held-out fold. */
export function encodeFold(
  passengers: readonly Passenger[],
  labels: ArrayLike<number>,
  train: readonly number[],
): { X: Float32Array; encoder: EncoderParams } {
  const encoder = fitEncoder(
    train.map((i) => passengers[i]!),
    train.map((i) => labels[i]!),
  );
  return { X: encodeBatch(passengers, encoder, memberIds(passengers.length, train)), encoder };
}

/** Row → its member id in the fold's group table (its position in `train`), -1 for held-out rows. */
export function memberIds(n: number, train: readonly number[]): Int32Array {
  const ids = new Int32Array(n).fill(-1);
  train.forEach((row, id) => {
    ids[row] = id;
  });
  return ids;
}

export function fitFoldModel(
  c: Candidate,
  X: Float32Array,
  labels: ArrayLike<number>,
  train: readonly number[],
  seed: number,
): FoldModel {
  if (c.kind === 'logistic') return fitLogistic(X, labels, train, FEATURE_COUNT, c.params);
  if (c.kind === 'gbdt')
    return fitGbdtEarlyStopped({ X, y: labels, rows: train, F: FEATURE_COUNT }, c.params, seed).model;
  throw new Error('fitFoldModel: a blend has no model of its own');
}

export function foldModelLogits(m: FoldModel, X: Float32Array, rows: readonly number[]): Float64Array {
  return m.kind === 'logistic'
    ? logisticLogits(m, X, rows, FEATURE_COUNT)
    : gbdtLogits(m, X, rows, FEATURE_COUNT);
}

const GROUP_HAS_KNOWN = FEATURE_NAMES.indexOf('group_has_known');

/**
 * Repeated stratified CV of every candidate, with successive halving: all candidates run the
 * first repeat, and only the better half of each family (by mean ROC AUC) runs the later ones.
 * The champion and the blend's parts therefore always have every fold behind them; a pruned
 * candidate's figures cover the first repeat only (its `folds` count says so).
 */
export function crossValidate(
  passengers: readonly Passenger[],
  labels: Int8Array,
  plan: SearchPlan,
  seed: number,
  progress: Progress = silentProgress,
): CvResult {
  const n = passengers.length;
  const F = FEATURE_COUNT;
  const folds = stratifiedFolds(labels, plan.folds, plan.repeats, seed);
  const base: Candidate[] = [
    ...plan.logistic.map((params) => ({ id: logisticId(params), kind: 'logistic' as const, params })),
    ...plan.gbdt.map((params) => ({ id: gbdtId(params), kind: 'gbdt' as const, params })),
  ];
  const logits = base.map(() => new Float64Array(plan.repeats * n).fill(Number.NaN));
  const active = base.map(() => true);
  const knownGroup = new Uint8Array(plan.repeats * n);
  const encoders: EncoderParams[] = [];
  const models: FoldModel[][] = base.map(() => []);
  const heldOut = new Float32Array(n * F);
  folds.forEach((fold, k) => {
    if (fold.repeat === 1 && fold.fold === 0) prune(base, active, logits, folds, labels, n);
    const running = base.filter((_, ci) => active[ci]).length;
    progress.step(
      'cv',
      k + 1,
      folds.length,
      `repeat ${fold.repeat + 1}/${plan.repeats}, fold ${fold.fold + 1}/${plan.folds}: ${running} candidates`,
    );
    const { X, encoder } = encodeFold(passengers, labels, fold.train);
    for (const row of fold.test) knownGroup[fold.repeat * n + row] = X[row * F + GROUP_HAS_KNOWN]! ? 1 : 0;
    if (fold.repeat === 0) {
      encoders.push(encoder);
      for (const row of fold.test) heldOut.set(X.subarray(row * F, (row + 1) * F), row * F);
    }
    base.forEach((c, ci) => {
      if (!active[ci]) return;
      const model = fitFoldModel(c, X, labels, fold.train, seed + k);
      if (fold.repeat === 0) models[ci]!.push(model);
      const z = foldModelLogits(model, X, fold.test);
      fold.test.forEach((row, t) => {
        logits[ci]![fold.repeat * n + row] = z[t]!;
      });
    });
  });
  const evaluate = (candidate: Candidate, z: Float64Array) => summarise(candidate, z, folds, labels, n);
  const results = base.map((c, ci) => evaluate(c, logits[ci]!));
  const complete = (r: CandidateResult) => r.folds === folds.length;
  const best = (kind: Candidate['kind']) =>
    results
      .filter((r) => r.candidate.kind === kind && complete(r))
      .reduce((a, b) => (b.rocAuc.mean > a.rocAuc.mean ? b : a));
  const bestLogistic = best('logistic');
  const bestGbdt = best('gbdt');
  const zl = logits[results.indexOf(bestLogistic)]!;
  const zg = logits[results.indexOf(bestGbdt)]!;
  for (const w of plan.blendWeights) {
    const z = zl.map((v, i) => w * v + (1 - w) * zg[i]!);
    results.push(evaluate({ id: `blend(logistic=${w})`, kind: 'blend', logisticWeight: w }, z));
  }
  const champion = results.filter(complete).reduce((a, b) => (b.rocAuc.mean > a.rocAuc.mean ? b : a));
  progress.info(leaderboard(results, champion));
  return {
    folds,
    results,
    champion,
    bestLogistic,
    bestGbdt,
    knownGroup,
    firstRepeat: { folds: folds.filter((f) => f.repeat === 0), encoders, models, heldOut },
  };
}

/** After the first repeat: keep the better half (at least one) of each family. */
function prune(
  base: readonly Candidate[],
  active: boolean[],
  logits: readonly Float64Array[],
  folds: readonly Fold[],
  labels: Int8Array,
  n: number,
): void {
  const first = folds.filter((f) => f.repeat === 0);
  const auc = base.map((c, ci) => summarise(c, logits[ci]!, first, labels, n).rocAuc.mean);
  for (const kind of ['logistic', 'gbdt'] as const) {
    const family = base.flatMap((c, ci) => (c.kind === kind ? [ci] : []));
    const keep = new Set(
      [...family].sort((a, b) => auc[b]! - auc[a]! || a - b).slice(0, Math.ceil(family.length / 2)),
    );
    for (const ci of family) active[ci] = keep.has(ci);
  }
}
