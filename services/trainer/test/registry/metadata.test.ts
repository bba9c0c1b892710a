import { describe, expect, it } from 'vitest';
import type { CandidateResult } from '../../src/cross-validate.ts';
import { calibrationSummary } from '../../src/registry/metadata.ts';

describe('calibrationSummary', () => {
  it('counts passengers per CV repeat, not the pooled predictions of every repeat', () => {
    const n = 40;
    const labels = Int8Array.from({ length: n }, (_, i) => i % 2);
    // Three repeats' out-of-fold predictions of the same 40 passengers.
    const oof = Float64Array.from({ length: 3 * n }, (_, i) => ((i * 7) % 100) / 100);
    const result = { oof, foldCalibration: [] } as unknown as CandidateResult;
    const bins = calibrationSummary(result, labels);
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(3 * n);
    expect(bins.reduce((a, b) => a + b.passengersPerRepeat, 0)).toBeCloseTo(n, 9);
  });
});
