import type { Candidate } from '../search.ts';
import type { Fold } from './folds.ts';
import { type CalibrationBin, calibrationTable, meanStd, scores } from './metrics.ts';

export interface Stat {
  readonly mean: number;
  readonly std: number;
}

export interface CandidateResult {
  readonly candidate: Candidate;
  /** Folds the candidate was scored on (fewer than all when the search pruned it). */
  readonly folds: number;
  readonly accuracy: Stat;
  readonly rocAuc: Stat;
  readonly logLoss: Stat;
  readonly brier: Stat;
  /** Out-of-fold probability of every row, per repeat: index repeat * N + row (NaN where not scored). */
  readonly oof: Float64Array;
  /** Per-fold calibration tables, for the mean and spread of each bin. */
  readonly foldCalibration: CalibrationBin[][];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Scores a candidate's out-of-fold logits fold by fold, over the folds it has predictions for. */
export function summarise(
  candidate: Candidate,
  z: Float64Array,
  folds: readonly Fold[],
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
    const p = fold.test.map((i) => oof[fold.repeat * n + i]!);
    if (p.some(Number.isNaN)) continue;
    const y = fold.test.map((i) => labels[i]!);
    const s = scores(y, p);
    per.accuracy.push(s.accuracy);
    per.rocAuc.push(s.rocAuc);
    per.logLoss.push(s.logLoss);
    per.brier.push(s.brier);
    foldCalibration.push(calibrationTable(y, p));
  }
  return {
    candidate,
    folds: per.rocAuc.length,
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
        `${r === champion ? '*' : ' '} ${r.candidate.id.padEnd(width)}  ${f(r.rocAuc)}  ${f(r.accuracy)}  ${f(r.logLoss)}  ${r.folds}`,
    );
  return [
    `  ${'candidate'.padEnd(width)}  ${'ROC AUC'.padEnd(14)}  ${'accuracy'.padEnd(14)}  ${'log loss'.padEnd(14)}  folds`,
    ...lines,
  ].join('\n');
}
