import type { GbdtParams } from './models/gbdt.ts';
import type { LogisticParams } from './models/logistic.ts';

/** One point of the hyper-parameter search. Blends reuse the fold predictions of their parts. */
export type Candidate =
  | { readonly id: string; readonly kind: 'logistic'; readonly params: LogisticParams }
  | { readonly id: string; readonly kind: 'gbdt'; readonly params: GbdtParams }
  | { readonly id: string; readonly kind: 'blend'; readonly logisticWeight: number };

export interface SearchPlan {
  readonly folds: number;
  readonly repeats: number;
  readonly logistic: readonly LogisticParams[];
  readonly gbdt: readonly GbdtParams[];
  /** Weights of the best logistic model when blended with the best tree ensemble. */
  readonly blendWeights: readonly number[];
}

const tree = (depth: number, trees: number, minChildWeight: number): GbdtParams => ({
  trees,
  depth,
  learningRate: 0.05,
  lambda: 1,
  minChildWeight,
  subsample: 0.8,
});

/** The full search: 10 folds × 3 repeats; small grids because Titanic has 891 rows. */
export const FULL_PLAN: SearchPlan = {
  folds: 10,
  repeats: 3,
  logistic: [{ C: 0.03 }, { C: 0.1 }, { C: 0.3 }, { C: 1 }],
  gbdt: [tree(2, 200, 1), tree(3, 200, 1), tree(3, 200, 3), tree(4, 150, 3)],
  blendWeights: [0.3, 0.5, 0.7],
};

/** A fast plan for tests and smoke runs: same protocol, one repeat, one point per model family. */
export const QUICK_PLAN: SearchPlan = {
  folds: 10,
  repeats: 1,
  logistic: [{ C: 0.3 }],
  gbdt: [tree(3, 60, 1)],
  blendWeights: [0.5],
};

export function logisticId(p: LogisticParams): string {
  return `logistic(C=${p.C})`;
}

export function gbdtId(p: GbdtParams): string {
  return `gbdt(trees=${p.trees},depth=${p.depth},lr=${p.learningRate},mcw=${p.minChildWeight})`;
}
