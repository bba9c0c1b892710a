import { psi } from '@titanic/features';
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
});
