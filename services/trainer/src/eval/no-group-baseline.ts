import { encodeBatch, FEATURE_COUNT, type Passenger } from '@titanic/features';
import { championLogits, championSpec, fitChampion } from '../champion.ts';
import type { CvResult } from '../cross-validate.ts';
import { meanStd, scores } from './metrics.ts';
import type { Stat } from './summary.ts';

export interface BaselineComparison {
  /** Folds compared: the first CV repeat. */
  readonly folds: number;
  readonly withGroups: { accuracy: Stat; rocAuc: Stat; logLoss: Stat; brier: Stat };
  readonly withoutGroups: { accuracy: Stat; rocAuc: Stat; logLoss: Stat; brier: Stat };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * The champion's configuration refitted on each fold of the first CV repeat with the travel-group
 * features held at their neutral values (an encoder without a group table), against the champion
 * itself on the same folds: what the group look-up adds.
 */
export function noGroupBaseline(
  passengers: readonly Passenger[],
  labels: Int8Array,
  cv: CvResult,
  seed: number,
): BaselineComparison {
  const F = FEATURE_COUNT;
  const spec = championSpec(cv);
  const without = {
    accuracy: [] as number[],
    rocAuc: [] as number[],
    logLoss: [] as number[],
    brier: [] as number[],
  };
  const withG = {
    accuracy: [] as number[],
    rocAuc: [] as number[],
    logLoss: [] as number[],
    brier: [] as number[],
  };
  cv.firstRepeat.folds.forEach((fold, k) => {
    const { groups: _, ...encoder } = cv.firstRepeat.encoders[k]!;
    const X = encodeBatch(passengers, encoder);
    const fitted = fitChampion(spec, X, labels, fold.train, F, seed + cv.folds.indexOf(fold));
    const y = fold.test.map((i) => labels[i]!);
    const a = scores(y, Array.from(championLogits(spec, fitted, X, fold.test, F), sigmoid));
    const b = scores(
      y,
      fold.test.map((i) => cv.champion.oof[i]!),
    );
    for (const key of ['accuracy', 'rocAuc', 'logLoss', 'brier'] as const) {
      without[key].push(a[key]);
      withG[key].push(b[key]);
    }
  });
  const stats = (s: typeof without) => ({
    accuracy: meanStd(s.accuracy),
    rocAuc: meanStd(s.rocAuc),
    logLoss: meanStd(s.logLoss),
    brier: meanStd(s.brier),
  });
  return { folds: cv.firstRepeat.folds.length, withGroups: stats(withG), withoutGroups: stats(without) };
}
