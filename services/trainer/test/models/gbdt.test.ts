import { describe, expect, it } from 'vitest';
import { accuracy } from '../../src/eval/metrics.ts';
import { fitGbdt, gbdtLogits } from '../../src/models/gbdt.ts';
import { createRng } from '../../src/rng.ts';

const params = { trees: 60, depth: 2, learningRate: 0.2, lambda: 1, minChildWeight: 1, subsample: 0.8 };

/** An interaction no linear model can learn: survived when x0 and x1 are on the same side of 0.5. */
function xor(n: number) {
  const rng = createRng(11);
  const X = new Float32Array(n * 2);
  const y = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng();
    const b = rng();
    X[i * 2] = a;
    X[i * 2 + 1] = b;
    y[i] = a > 0.5 === b > 0.5 ? 1 : 0;
  }
  return { X, y, rows: Array.from({ length: n }, (_, i) => i) };
}

describe('fitGbdt', () => {
  const { X, y, rows } = xor(600);
  const train = rows.slice(0, 400);
  const test = rows.slice(400);

  it('learns an interaction', () => {
    const m = fitGbdt({ X, y, rows: train, F: 2 }, params, 1);
    const p = Array.from(gbdtLogits(m, X, test, 2), (z) => 1 / (1 + Math.exp(-z)));
    expect(
      accuracy(
        test.map((i) => y[i]!),
        p,
      ),
    ).toBeGreaterThan(0.9);
  });

  it('splits only at float32 training values, respects depth, and repeats for a seed', () => {
    const m = fitGbdt({ X, y, rows: train, F: 2 }, params, 1);
    const values = new Set(train.flatMap((i) => [X[i * 2]!, X[i * 2 + 1]!]));
    for (const tree of m.trees) {
      expect(tree.feature.length).toBeLessThanOrEqual(7);
      tree.feature.forEach((f, i) => {
        if (f >= 0) expect(values.has(tree.threshold[i]!)).toBe(true);
        expect(Math.fround(tree.value[i]!)).toBe(tree.value[i]);
      });
    }
    expect(fitGbdt({ X, y, rows: train, F: 2 }, params, 1)).toEqual(m);
    expect(fitGbdt({ X, y, rows: train, F: 2 }, params, 2)).not.toEqual(m);
  });

  it('starts from the prior log-odds and stays a stump forest when nothing can be split', () => {
    const constant = new Float32Array(40).fill(3);
    const labels = Int8Array.from({ length: 40 }, (_, i) => (i < 10 ? 1 : 0));
    const m = fitGbdt(
      { X: constant, y: labels, rows: Array.from({ length: 40 }, (_, i) => i), F: 1 },
      params,
      1,
    );
    expect(m.base).toBeCloseTo(Math.log(10 / 30), 6);
    expect(m.trees.every((t) => t.feature.length === 1)).toBe(true);
  });
});
