import { describe, expect, it } from 'vitest';
import { fitGbdtEarlyStopped, validationSplit } from '../../src/models/early-stopping.ts';
import { createRng } from '../../src/rng.ts';

/** One informative feature and one of pure noise; labels flip with probability 0.2. */
function noisy(n: number) {
  const rng = createRng(5);
  const X = new Float32Array(n * 2);
  const y = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    X[i * 2] = rng();
    X[i * 2 + 1] = rng();
    y[i] = (X[i * 2]! > 0.5 ? 1 : 0) ^ (rng() < 0.2 ? 1 : 0);
  }
  return { X, y, rows: Array.from({ length: n }, (_, i) => i) };
}

const params = { trees: 300, depth: 3, learningRate: 0.3, lambda: 1, minChildWeight: 1, subsample: 1 };

describe('early stopping', () => {
  const { X, y, rows } = noisy(500);

  it('splits rows into disjoint, stratified, seeded fitting and validation parts', () => {
    const a = validationSplit(y, rows, 0.2, 9);
    expect(validationSplit(y, rows, 0.2, 9)).toEqual(a);
    expect([...a.fit, ...a.validation].sort((p, q) => p - q)).toEqual(rows);
    const share = (part: number[]) => part.filter((r) => y[r]).length / part.length;
    expect(Math.abs(share(a.validation) - share(a.fit))).toBeLessThan(0.02);
    expect(a.validation.length).toBe(
      Math.round(rows.filter((r) => y[r]).length * 0.2) + Math.round(rows.filter((r) => !y[r]).length * 0.2),
    );
  });

  it('stops an over-eager ensemble long before its tree limit and refits with the best count', () => {
    const stopped = fitGbdtEarlyStopped(
      { X, y, rows, F: 2 },
      { ...params, earlyStopping: { validationShare: 0.2, patience: 20 } },
      1,
    );
    expect(stopped.bestTrees).toBeGreaterThan(0);
    expect(stopped.bestTrees).toBeLessThan(100);
    expect(stopped.model.trees).toHaveLength(stopped.bestTrees);
  });

  it('grows every tree without early stopping', () => {
    const plain = fitGbdtEarlyStopped({ X, y, rows, F: 2 }, { ...params, trees: 40 }, 1);
    expect(plain.model.trees).toHaveLength(40);
    expect(plain.bestTrees).toBe(40);
  });
});
