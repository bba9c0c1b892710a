import type { CvResult, FoldModel } from './cross-validate.ts';
import { fitGbdtEarlyStopped } from './models/early-stopping.ts';
import { type GbdtModel, type GbdtParams, gbdtLogits } from './models/gbdt.ts';
import { fitLogistic, type LogisticModel, type LogisticParams, logisticLogits } from './models/logistic.ts';

/** What the champion is made of: a logistic model, a tree ensemble, or a logit blend of the two. */
export interface ChampionSpec {
  readonly id: string;
  readonly logistic?: LogisticParams | undefined;
  readonly gbdt?: GbdtParams | undefined;
  /** Weight of the logistic logit; the trees get 1 − this. */
  readonly logisticWeight: number;
}

export interface FittedChampion {
  readonly logistic?: LogisticModel | undefined;
  readonly gbdt?: GbdtModel | undefined;
}

export function championSpec(cv: CvResult): ChampionSpec {
  const c = cv.champion.candidate;
  const lr = cv.bestLogistic.candidate;
  const gb = cv.bestGbdt.candidate;
  if (c.kind === 'logistic') return { id: c.id, logistic: c.params, logisticWeight: 1 };
  if (c.kind === 'gbdt') return { id: c.id, gbdt: c.params, logisticWeight: 0 };
  return {
    id: c.id,
    logistic: lr.kind === 'logistic' ? lr.params : undefined,
    gbdt: gb.kind === 'gbdt' ? gb.params : undefined,
    logisticWeight: c.logisticWeight,
  };
}

/** Fits the champion's parts on `rows` of the encoded matrix `X`. */
export function fitChampion(
  spec: ChampionSpec,
  X: Float32Array,
  labels: ArrayLike<number>,
  rows: readonly number[],
  F: number,
  seed: number,
): FittedChampion {
  return {
    logistic: spec.logistic ? fitLogistic(X, labels, rows, F, spec.logistic) : undefined,
    gbdt: spec.gbdt ? fitGbdtEarlyStopped({ X, y: labels, rows, F }, spec.gbdt, seed).model : undefined,
  };
}

/** The champion's models of fold `k` of the first CV repeat, as the search fitted them. */
export function championOfFold(cv: CvResult, k: number): FittedChampion {
  const model = (r: CvResult['bestLogistic']) =>
    cv.firstRepeat.models[cv.results.indexOf(r)]![k] as FoldModel | undefined;
  const spec = championSpec(cv);
  return {
    logistic: spec.logistic ? (model(cv.bestLogistic) as LogisticModel) : undefined,
    gbdt: spec.gbdt ? (model(cv.bestGbdt) as GbdtModel) : undefined,
  };
}

/** Blended log-odds of `rows`, in double precision (the CV's arithmetic). */
export function championLogits(
  spec: ChampionSpec,
  fitted: FittedChampion,
  X: Float32Array,
  rows: readonly number[],
  F: number,
): Float64Array {
  const w = spec.logisticWeight;
  const zl = fitted.logistic ? logisticLogits(fitted.logistic, X, rows, F) : null;
  const zg = fitted.gbdt ? gbdtLogits(fitted.gbdt, X, rows, F) : null;
  return Float64Array.from(rows, (_, i) => (zl ? w * zl[i]! : 0) + (zg ? (1 - w) * zg[i]! : 0));
}
