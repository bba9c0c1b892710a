import { binIndex, psi } from '@titanic/features';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DriftWindow } from '../../src/telemetry/drift-window.ts';

const histograms = [
  { feature: 'a', edges: [0.5], counts: [50, 50] },
  { feature: 'b', edges: [1, 2], counts: [10, 10, 80] },
];

function rows(values: [number, number][]): Float32Array {
  return Float32Array.from(values.flat());
}

describe('DriftWindow', () => {
  it('reports PSI of the window against the training histogram', () => {
    const w = new DriftWindow({ size: 4, features: ['a', 'b'], histograms });
    expect(w.psi()).toEqual([]);
    expect(w.positiveRate()).toBeUndefined();
    expect(w.meanProbability()).toBeUndefined();
    w.add(
      rows([
        [0, 3],
        [1, 3],
        [0, 3],
        [1, 0],
      ]),
      4,
      [0.9, 0.2, 0.1, 0.4],
      0.5,
    );
    const byFeature = Object.fromEntries(w.psi().map((p) => [p.feature, p.value]));
    expect(byFeature.a).toBeCloseTo(psi([50, 50], [2, 2]), 10);
    expect(byFeature.b).toBeCloseTo(psi([10, 10, 80], [1, 0, 3]), 10);
    expect(w.positiveRate()).toBe(0.25);
    expect(w.meanProbability()).toBeCloseTo(0.4, 6);
  });

  it('slides: old rows leave the counts', () => {
    const w = new DriftWindow({ size: 2, features: ['a', 'b'], histograms });
    w.add(
      rows([
        [0, 0],
        [0, 0],
      ]),
      2,
      [0.8, 0.7],
      0.5,
    );
    w.add(
      rows([
        [1, 3],
        [1, 3],
        [1, 3],
      ]),
      3,
      [0.1, 0.2, 0.3],
      0.5,
    );
    expect(w.length).toBe(2);
    const byFeature = Object.fromEntries(w.psi().map((p) => [p.feature, p.value]));
    expect(byFeature.a).toBeCloseTo(psi([50, 50], [0, 2]), 10);
    expect(w.positiveRate()).toBe(0);
    // Only the last two rows (0.2, 0.3) are in the window.
    expect(w.meanProbability()).toBeCloseTo(0.25, 6);
  });

  it('ignores histograms of features the model does not have', () => {
    const w = new DriftWindow({ size: 2, features: ['a'], histograms });
    w.add(Float32Array.from([1]), 1, [0.9], 0.5);
    expect(w.psi().map((p) => p.feature)).toEqual(['a']);
  });

  it('equals PSI, positive rate and mean computed afresh from the last `size` rows, for any adds', () => {
    const features = ['x', 'a', 'b', 'c'];
    const hist = [
      { feature: 'c', edges: [-1, 0, 2.5, 7, 100], counts: [5, 10, 20, 30, 25, 10] },
      ...histograms,
    ];
    const row = fc.tuple(
      fc.float({ noNaN: true, min: -10, max: 10 }),
      fc.constantFrom(0, 0.5, 1),
      fc.integer({ min: -1, max: 4 }),
      fc.float({ noNaN: true, min: -5, max: 200 }),
    );
    const batch = fc.array(fc.tuple(row, fc.float({ min: 0, max: 1, noNaN: true })), {
      minLength: 1,
      maxLength: 12,
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.array(batch, { minLength: 1, maxLength: 8 }),
        (size, batches) => {
          const w = new DriftWindow({ size, features, histograms: hist });
          const seen: { values: number[]; p: number }[] = [];
          for (const b of batches) {
            const values = Float32Array.from(b.flatMap(([r]) => r));
            const probabilities = Float32Array.from(b.map(([, p]) => p));
            w.add(values, b.length, probabilities, 0.5);
            b.forEach((_, i) => {
              seen.push({ values: Array.from(values.subarray(i * 4, i * 4 + 4)), p: probabilities[i]! });
            });
          }
          const window = seen.slice(-size);
          expect(w.length).toBe(window.length);
          const expected = hist.map((h) => {
            const column = features.indexOf(h.feature);
            const counts = new Array(h.edges.length + 1).fill(0);
            for (const r of window) counts[binIndex(h.edges, r.values[column]!)]++;
            return { feature: h.feature, value: psi(h.counts, counts) };
          });
          expect(w.psi()).toEqual(expected);
          expect(w.positiveRate()).toBe(window.filter((r) => r.p >= 0.5).length / window.length);
          expect(w.meanProbability()).toBeCloseTo(window.reduce((n, r) => n + r.p, 0) / window.length, 5);
        },
      ),
      { numRuns: 500 },
    );
  });
});
