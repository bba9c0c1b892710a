import { createRng, shuffleInPlace } from '../rng.ts';

export interface Fold {
  readonly repeat: number;
  readonly fold: number;
  readonly train: readonly number[];
  readonly test: readonly number[];
}

/**
 * Repeated stratified k-fold: each repeat shuffles survivors and non-survivors separately
 * (seeded) and deals them round-robin, so every fold keeps the label balance of the file.
 */
export function stratifiedFolds(labels: ArrayLike<number>, k: number, repeats: number, seed: number): Fold[] {
  if (k < 2) throw new Error('stratifiedFolds: need at least 2 folds');
  const rng = createRng(seed);
  const folds: Fold[] = [];
  for (let r = 0; r < repeats; r++) {
    const assignment = new Array<number>(labels.length);
    let next = 0;
    for (const cls of [0, 1]) {
      const idx: number[] = [];
      for (let i = 0; i < labels.length; i++) if (labels[i] === cls) idx.push(i);
      shuffleInPlace(idx, rng);
      for (const i of idx) assignment[i] = next++ % k;
    }
    for (let f = 0; f < k; f++) {
      const train: number[] = [];
      const test: number[] = [];
      for (let i = 0; i < labels.length; i++) (assignment[i] === f ? test : train).push(i);
      folds.push({ repeat: r, fold: f, train, test });
    }
  }
  return folds;
}
