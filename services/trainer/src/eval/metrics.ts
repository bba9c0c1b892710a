import { DECISION_THRESHOLD } from '@titanic/features';
export interface CalibrationBin {
  readonly lower: number;
  readonly upper: number;
  readonly count: number;
  readonly meanPredicted: number | null;
  readonly observedRate: number | null;
}

export interface ScoreSet {
  readonly accuracy: number;
  readonly rocAuc: number;
  readonly logLoss: number;
  readonly brier: number;
}

const EPS = 1e-15;

export function accuracy(y: ArrayLike<number>, p: ArrayLike<number>, threshold = DECISION_THRESHOLD): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if ((p[i]! >= threshold ? 1 : 0) === y[i]) ok++;
  return ok / y.length;
}

/** ROC AUC by the rank statistic; tied scores count half, as in scikit-learn. */
export function rocAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const idx = Array.from({ length: y.length }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && p[idx[j + 1]!] === p[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++)
      if (y[idx[t]!] === 1) {
        rankSumPos += avgRank;
        pos++;
      }
    i = j + 1;
  }
  const neg = y.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(1 - EPS, Math.max(EPS, p[i]!));
    s -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / y.length;
}

export function brier(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i]! - y[i]!) ** 2;
  return s / y.length;
}

export function scores(y: ArrayLike<number>, p: ArrayLike<number>): ScoreSet {
  return { accuracy: accuracy(y, p), rocAuc: rocAuc(y, p), logLoss: logLoss(y, p), brier: brier(y, p) };
}

/** Ten equal-width probability bins: mean predicted vs observed survival in each. */
export function calibrationTable(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): CalibrationBin[] {
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < y.length; i++) {
    const b = Math.min(bins - 1, Math.floor(p[i]! * bins));
    count[b]!++;
    sumP[b]! += p[i]!;
    sumY[b]! += y[i]!;
  }
  return count.map((c, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: c,
    meanPredicted: c ? sumP[b]! / c : null,
    observedRate: c ? sumY[b]! / c : null,
  }));
}

/** Points of the ROC curve (false positive rate, true positive rate), one per distinct score. */
export function rocCurve(y: ArrayLike<number>, p: ArrayLike<number>): Array<[number, number]> {
  const idx = Array.from({ length: y.length }, (_, i) => i).sort((a, b) => p[b]! - p[a]!);
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i]!;
  const neg = y.length - pos;
  const points: Array<[number, number]> = [[0, 0]];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < idx.length; i++) {
    if (y[idx[i]!] === 1) tp++;
    else fp++;
    if (i === idx.length - 1 || p[idx[i + 1]!] !== p[idx[i]!]) points.push([fp / neg, tp / pos]);
  }
  return points;
}

export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}
