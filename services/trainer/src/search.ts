import type { GbdtParams } from './models/gbdt.ts';
import type { LogisticParams } from './models/logistic.ts';
import { createRng, shuffleInPlace } from './rng.ts';

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

/** The GBDT search space; every grown ensemble stops early on an inner validation split. */
export const GBDT_SPACE = {
  learningRate: [0.03, 0.05, 0.1, 0.2],
  depth: [2, 3, 4, 5],
  minChildWeight: [1, 2, 4, 8],
  lambda: [0.3, 1, 3, 10],
  subsample: [0.6, 0.8, 1],
} as const;

const EARLY_STOPPING = { validationShare: 0.15, patience: 30 } as const;
/** Most trees an early-stopped ensemble may grow: enough for the smallest learning rate to converge. */
const MAX_TREES = 400;

/**
 * `count` points spread over GBDT_SPACE like a Latin hypercube: each dimension's values are
 * dealt in shuffled rounds, so every value of every dimension appears about equally often and
 * the combinations vary. The draw uses its own fixed seed, so the plan is the same whatever
 * `--seed` is.
 */
export function sampleGbdtSpace(count: number, planSeed = 2026): GbdtParams[] {
  const rng = createRng(planSeed);
  const column = <T>(values: readonly T[]): T[] => {
    const out: T[] = [];
    while (out.length < count) out.push(...shuffleInPlace([...values], rng));
    return out.slice(0, count);
  };
  const lr = column(GBDT_SPACE.learningRate);
  const depth = column(GBDT_SPACE.depth);
  const mcw = column(GBDT_SPACE.minChildWeight);
  const lambda = column(GBDT_SPACE.lambda);
  const subsample = column(GBDT_SPACE.subsample);
  return lr.map((learningRate, i) => ({
    trees: MAX_TREES,
    depth: depth[i]!,
    learningRate,
    lambda: lambda[i]!,
    minChildWeight: mcw[i]!,
    subsample: subsample[i]!,
    earlyStopping: EARLY_STOPPING,
  }));
}

/** The full search: 10 folds × 3 repeats; small grids because Titanic has 891 rows. */
export const FULL_PLAN: SearchPlan = {
  folds: 10,
  repeats: 3,
  logistic: [{ C: 0.03 }, { C: 0.1 }, { C: 0.3 }, { C: 1 }],
  gbdt: sampleGbdtSpace(8),
  blendWeights: [0.3, 0.5, 0.7],
};

/** A fast plan for tests and smoke runs: same protocol, one repeat, one point per model family. */
export const QUICK_PLAN: SearchPlan = {
  folds: 10,
  repeats: 1,
  logistic: [{ C: 0.3 }],
  gbdt: [
    {
      trees: 120,
      depth: 3,
      learningRate: 0.1,
      lambda: 1,
      minChildWeight: 1,
      subsample: 0.8,
      earlyStopping: EARLY_STOPPING,
    },
  ],
  blendWeights: [0.5],
};

export function logisticId(p: LogisticParams): string {
  return `logistic(C=${p.C})`;
}

export function gbdtId(p: GbdtParams): string {
  const es = p.earlyStopping ? `≤${p.trees}` : `${p.trees}`;
  return `gbdt(trees=${es},depth=${p.depth},lr=${p.learningRate},mcw=${p.minChildWeight},l2=${p.lambda},rows=${p.subsample})`;
}
