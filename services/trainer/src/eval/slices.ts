import { DECISION_THRESHOLD, type Passenger } from '@titanic/features';
import type { CvResult } from '../cross-validate.ts';
import { logLoss, rocAuc } from './metrics.ts';

/** How the champion's out-of-fold predictions fare on one group of passengers. */
export interface SliceMetrics {
  readonly slice: string;
  /** Passengers in the slice per CV repeat (a mean when membership depends on the folds). */
  readonly passengers: number;
  readonly accuracy: number;
  /** Share of survivors predicted to survive (null without survivors). */
  readonly truePositiveRate: number | null;
  /** Share of the dead predicted to survive (null without deaths). */
  readonly falsePositiveRate: number | null;
  readonly meanPredicted: number;
  readonly observedRate: number;
  readonly rocAuc: number | null;
  readonly logLoss: number;
}

/** Metrics over the pooled out-of-fold predictions `p` (index repeat * N + row) selected by `member`. */
export function sliceMetrics(
  slice: string,
  labels: Int8Array,
  p: Float64Array,
  member: (pooledIndex: number) => boolean,
): SliceMetrics {
  const n = labels.length;
  const y: number[] = [];
  const q: number[] = [];
  for (let i = 0; i < p.length; i++)
    if (member(i)) {
      y.push(labels[i % n]!);
      q.push(p[i]!);
    }
  let tp = 0;
  let pos = 0;
  let fp = 0;
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    const yes = q[i]! >= DECISION_THRESHOLD;
    if (y[i]) {
      pos++;
      if (yes) tp++;
    } else if (yes) fp++;
    if ((yes ? 1 : 0) === y[i]) correct++;
  }
  const neg = y.length - pos;
  const auc = pos && neg ? rocAuc(y, q) : null;
  return {
    slice,
    passengers: y.length / (p.length / n),
    accuracy: correct / y.length,
    truePositiveRate: pos ? tp / pos : null,
    falsePositiveRate: neg ? fp / neg : null,
    meanPredicted: q.reduce((a, b) => a + b, 0) / y.length,
    observedRate: pos / y.length,
    rocAuc: auc,
    logLoss: logLoss(y, q),
  };
}

/** The champion by sex and by ticket class: the groups the 1912 evacuation treated differently. */
export function fairnessSlices(
  passengers: readonly Passenger[],
  labels: Int8Array,
  cv: CvResult,
): SliceMetrics[] {
  const n = labels.length;
  const p = cv.champion.oof;
  const by = (slice: string, test: (x: Passenger) => boolean) =>
    sliceMetrics(slice, labels, p, (i) => test(passengers[i % n]!));
  return [
    by('all', () => true),
    by('sex=female', (x) => x.sex === 'female'),
    by('sex=male', (x) => x.sex === 'male'),
    by('pclass=1', (x) => x.pclass === 1),
    by('pclass=2', (x) => x.pclass === 2),
    by('pclass=3', (x) => x.pclass === 3),
  ];
}

/**
 * Passengers with another member of their travel group among the fold's training rows (so the
 * group features carry information) against those without: what a served passenger gets in
 * each case.
 */
export function travelGroupSlices(labels: Int8Array, cv: CvResult): SliceMetrics[] {
  const p = cv.champion.oof;
  return [
    sliceMetrics('known travel group', labels, p, (i) => cv.knownGroup[i] === 1),
    sliceMetrics('no known travel group', labels, p, (i) => cv.knownGroup[i] === 0),
  ];
}
