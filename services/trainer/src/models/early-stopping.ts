import { createRng, shuffleInPlace } from '../rng.ts';
import type { FitRows } from './fit-rows.ts';
import { fitGbdt, type GbdtModel, type GbdtParams, leafValue } from './gbdt.ts';

export interface EarlyStoppedGbdt {
  readonly model: GbdtModel;
  /** Trees kept: the count with the lowest validation log loss. */
  readonly bestTrees: number;
}

/** A seeded, stratified split of `rows` into fitting and validation rows. */
export function validationSplit(
  y: ArrayLike<number>,
  rows: readonly number[],
  share: number,
  seed: number,
): { fit: number[]; validation: number[] } {
  const rng = createRng(seed);
  const fit: number[] = [];
  const validation: number[] = [];
  for (const cls of [0, 1]) {
    const idx = shuffleInPlace(
      rows.filter((r) => y[r] === cls),
      rng,
    );
    const cut = Math.round(idx.length * share);
    validation.push(...idx.slice(0, cut));
    fit.push(...idx.slice(cut));
  }
  return { fit: fit.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

/**
 * Gradient-boosted trees with the tree count chosen on an inner validation split: grow on the
 * fitting rows while the held-out log loss keeps improving (patience trees), then refit on every
 * row with the best count, so no row is lost to the stopping rule. Without `earlyStopping` in
 * the parameters this is a plain fit of `params.trees` trees.
 */
export function fitGbdtEarlyStopped(data: FitRows, params: GbdtParams, seed: number): EarlyStoppedGbdt {
  const { X, y, rows, F } = data;
  const es = params.earlyStopping;
  if (!es) return { model: fitGbdt(data, params, seed), bestTrees: params.trees };
  const { fit, validation } = validationSplit(y, rows, es.validationShare, seed ^ 0x5bd1e995);
  const margin = new Float64Array(validation.length);
  let best = Number.POSITIVE_INFINITY;
  let bestTrees = 0;
  let grown = 0;
  fitGbdt(
    { X, y, rows: fit, F },
    params,
    seed,
    (tree, base) => {
      if (grown === 0) margin.fill(base);
      grown++;
      let loss = 0;
      validation.forEach((r, i) => {
        margin[i]! += leafValue(tree, X, r * F);
        const z = margin[i]!;
        // log(1 + e^-z) for survivors, log(1 + e^z) otherwise, in a form that cannot overflow.
        const s = y[r] === 1 ? -z : z;
        loss += Math.max(s, 0) + Math.log1p(Math.exp(-Math.abs(s)));
      });
      if (loss < best - 1e-12) {
        best = loss;
        bestTrees = grown;
      }
      return grown - bestTrees < es.patience;
    },
    rows,
  );
  const trees = Math.max(1, bestTrees);
  return { model: fitGbdt(data, { ...params, trees }, seed), bestTrees: trees };
}
