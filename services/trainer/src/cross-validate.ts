import {
  type EncoderParams,
  encodeBatch,
  FEATURE_COUNT,
  fitEncoder,
  type Passenger,
} from '@titanic/features';
import { stratifiedFolds } from './eval/folds.ts';
import { type CalibrationBin, calibrationTable, meanStd, scores } from './eval/metrics.ts';
import { fitGbdt, gbdtLogits } from './models/gbdt.ts';
import { fitLogistic, logisticLogits } from './models/logistic.ts';
import { type Progress, silentProgress } from './progress.ts';
import { type Candidate, gbdtId, logisticId, type SearchPlan } from './search.ts';

export interface Stat {
  readonly mean: number;
  readonly std: number;
}

export interface CandidateResult {
  readonly candidate: Candidate;
  readonly accuracy: Stat;
  readonly rocAuc: Stat;
  readonly logLoss: Stat;
  readonly brier: Stat;
  /** Out-of-fold probability of every row, per repeat: index repeat * N + row. */
  readonly oof: Float64Array;
  /** Per-fold calibration tables, for the mean and spread of each bin. */
  readonly foldCalibration: CalibrationBin[][];
}

export interface CvResult {
  readonly results: CandidateResult[];
  readonly champion: CandidateResult;
  /** The blend's parts, when the champion is a blend (or the best of each family otherwise). */
  readonly bestLogistic: CandidateResult;
  readonly bestGbdt: CandidateResult;
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
function memberIds(n: number, train: readonly number[]): Int32Array {
  const ids = new Int32Array(n).fill(-1);
  train.forEach((row, id) => {
    ids[row] = id;
  });
  return ids;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

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
  const logits = base.map(() => new Float64Array(plan.repeats * n));
  folds.forEach((fold, k) => {
    progress.step(
      'cv',
      k + 1,
      folds.length,
      `repeat ${fold.repeat + 1}/${plan.repeats}, fold ${fold.fold + 1}/${plan.folds}: ${base.length} candidates`,
    );
    const { X } = encodeFold(passengers, labels, fold.train);
    base.forEach((c, ci) => {
      const z =
        c.kind === 'logistic'
          ? logisticLogits(fitLogistic(X, labels, fold.train, F, c.params), X, fold.test, F)
          : c.kind === 'gbdt'
            ? gbdtLogits(fitGbdt(X, labels, fold.train, F, c.params, seed + k), X, fold.test, F)
            : new Float64Array();
      fold.test.forEach((row, t) => {
        logits[ci]![fold.repeat * n + row] = z[t]!;
      });
    });
  });
  const evaluate = (candidate: Candidate, z: Float64Array) => summarise(candidate, z, folds, labels, n);
  const results = base.map((c, ci) => evaluate(c, logits[ci]!));
  const best = (kind: Candidate['kind']) =>
    results
      .filter((r) => r.candidate.kind === kind)
      .reduce((a, b) => (b.rocAuc.mean > a.rocAuc.mean ? b : a));
  const bestLogistic = best('logistic');
  const bestGbdt = best('gbdt');
  const zl = logits[results.indexOf(bestLogistic)]!;
  const zg = logits[results.indexOf(bestGbdt)]!;
  for (const w of plan.blendWeights) {
    const z = zl.map((v, i) => w * v + (1 - w) * zg[i]!);
    results.push(evaluate({ id: `blend(logistic=${w})`, kind: 'blend', logisticWeight: w }, z));
  }
  const champion = results.reduce((a, b) => (b.rocAuc.mean > a.rocAuc.mean ? b : a));
  progress.info(leaderboard(results, champion));
  return { results, champion, bestLogistic, bestGbdt };
}

function summarise(
  candidate: Candidate,
  z: Float64Array,
  folds: ReturnType<typeof stratifiedFolds>,
  labels: Int8Array,
  n: number,
): CandidateResult {
  const oof = z.map(sigmoid);
  const per = {
    accuracy: [] as number[],
    rocAuc: [] as number[],
    logLoss: [] as number[],
    brier: [] as number[],
  };
  const foldCalibration: CalibrationBin[][] = [];
  for (const fold of folds) {
    const y = fold.test.map((i) => labels[i]!);
    const p = fold.test.map((i) => oof[fold.repeat * n + i]!);
    const s = scores(y, p);
    per.accuracy.push(s.accuracy);
    per.rocAuc.push(s.rocAuc);
    per.logLoss.push(s.logLoss);
    per.brier.push(s.brier);
    foldCalibration.push(calibrationTable(y, p));
  }
  return {
    candidate,
    accuracy: meanStd(per.accuracy),
    rocAuc: meanStd(per.rocAuc),
    logLoss: meanStd(per.logLoss),
    brier: meanStd(per.brier),
    oof,
    foldCalibration,
  };
}

/** The search result as a small table, best ROC AUC first; * marks the champion. */
export function leaderboard(results: readonly CandidateResult[], champion: CandidateResult): string {
  const f = (s: Stat) => `${s.mean.toFixed(4)} ± ${s.std.toFixed(3)}`;
  const width = Math.max(...results.map((r) => r.candidate.id.length));
  const lines = [...results]
    .sort((a, b) => b.rocAuc.mean - a.rocAuc.mean)
    .map(
      (r) =>
        `${r === champion ? '*' : ' '} ${r.candidate.id.padEnd(width)}  ${f(r.rocAuc)}  ${f(r.accuracy)}  ${f(r.logLoss)}`,
    );
  return [
    `  ${'candidate'.padEnd(width)}  ${'ROC AUC'.padEnd(14)}  ${'accuracy'.padEnd(14)}  log loss`,
    ...lines,
  ].join('\n');
}
