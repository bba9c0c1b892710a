import { describe, expect, it } from 'vitest';
import { binIndex, histogram, psi, quantileEdges } from '../src/drift.ts';

describe('drift helpers', () => {
  it('bins values with edges[i-1] < v <= edges[i]', () => {
    expect(binIndex([1, 2, 3], 0)).toBe(0);
    expect(binIndex([1, 2, 3], 1)).toBe(0);
    expect(binIndex([1, 2, 3], 1.5)).toBe(1);
    expect(binIndex([1, 2, 3], 9)).toBe(3);
  });

  it('bins within a slice of a flat edge array, relative to its start', () => {
    const flat = Float64Array.of(0.5, 1, 2, 3, 7);
    // Edges [1, 2, 3] at flat[1..4).
    expect([0, 1, 1.5, 9].map((v) => binIndex(flat, v, 1, 4))).toEqual([0, 0, 1, 3]);
    // An empty slice has one bin.
    expect(binIndex(flat, 5, 4, 4)).toBe(0);
  });

  it('uses few bins for binary features and about ten for continuous ones', () => {
    expect(quantileEdges([0, 0, 1, 1, 0])).toEqual([0]);
    expect(quantileEdges(Array.from({ length: 100 }, (_, i) => i))).toHaveLength(9);
    const h = histogram('x', [0, 1, 1], [0]);
    expect(h.counts).toEqual([1, 2]);
  });

  it('scores identical distributions as stable and a shift as large', () => {
    expect(psi([10, 20, 30], [10, 20, 30])).toBe(0);
    expect(psi([50, 50], [90, 10])).toBeGreaterThan(0.25);
    expect(() => psi([1], [1, 2])).toThrow();
  });
});
