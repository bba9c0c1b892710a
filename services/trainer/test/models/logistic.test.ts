import { describe, expect, it } from 'vitest';
import { fitLogistic, logisticLogits } from '../../src/models/logistic.ts';
import { createRng } from '../../src/rng.ts';

/** Labels drawn from a known logistic model: logit = 2·x0 − 1·x1 + 0.5, with x2 pure noise. */
function synthetic(n: number) {
  const rng = createRng(3);
  const X = new Float32Array(n * 3);
  const y = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const x = [rng() * 4 - 2, rng() * 10, rng()];
    X.set(x, i * 3);
    y[i] = rng() < 1 / (1 + Math.exp(-(2 * x[0]! - 1 * (x[1]! - 5) + 0.5))) ? 1 : 0;
  }
  return { X, y, rows: Array.from({ length: n }, (_, i) => i) };
}

describe('fitLogistic', () => {
  const { X, y, rows } = synthetic(4000);

  it('recovers the generating coefficients with weak regularisation', () => {
    const m = fitLogistic(X, y, rows, 3, { C: 100 });
    expect(m.weights[0]).toBeCloseTo(2, 0);
    expect(m.weights[1]).toBeCloseTo(-1, 0);
    expect(Math.abs(m.weights[2]!)).toBeLessThan(0.4);
    expect(m.bias).toBeCloseTo(5.5, 0);
  });

  it('shrinks coefficients as C falls', () => {
    const strong = fitLogistic(X, y, rows, 3, { C: 0.001 });
    const weak = fitLogistic(X, y, rows, 3, { C: 100 });
    expect(Math.abs(strong.weights[0]!)).toBeLessThan(Math.abs(weak.weights[0]!) / 2);
  });

  it('ignores rows outside the training set and copes with a constant column', () => {
    const Xc = Float32Array.from(X);
    for (let i = 0; i < 4000; i++) Xc[i * 3 + 2] = 1;
    const subset = rows.slice(0, 2000);
    const m = fitLogistic(Xc, y, subset, 3, { C: 1 });
    expect(Number.isFinite(m.bias)).toBe(true);
    const z = logisticLogits(m, Xc, [0, 1], 3);
    expect(z).toHaveLength(2);
    expect(Array.from(z).every(Number.isFinite)).toBe(true);
  });
});
