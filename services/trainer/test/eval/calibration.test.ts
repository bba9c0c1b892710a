import { describe, expect, it } from 'vitest';
import { fitCalibration, needsRecalibration } from '../../src/eval/calibration.ts';
import { createRng } from '../../src/rng.ts';

/** Outcomes drawn from true log-odds z; predictions report k·z, so k > 1 is overconfident. */
function sample(k: number, n = 20_000) {
  const rng = createRng(5);
  const p: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = rng() * 6 - 3;
    y.push(rng() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
    p.push(1 / (1 + Math.exp(-k * z)));
  }
  return { p, y };
}

describe('fitCalibration', () => {
  it('finds slope 1 and intercept 0 for calibrated predictions', () => {
    const { p, y } = sample(1);
    const fit = fitCalibration(p, y);
    expect(fit.slope).toBeCloseTo(1, 1);
    expect(fit.intercept).toBeCloseTo(0, 1);
    expect(needsRecalibration(fit)).toBe(false);
  });

  it('detects overconfidence and yields the correcting scale', () => {
    const { p, y } = sample(2);
    const fit = fitCalibration(p, y);
    expect(fit.slope).toBeCloseTo(0.5, 1);
    expect(needsRecalibration(fit)).toBe(true);
  });

  it('survives probabilities of exactly 0 and 1', () => {
    const fit = fitCalibration([0, 1, 0.5, 0.5], [0, 1, 1, 0]);
    expect(Number.isFinite(fit.slope)).toBe(true);
  });
});
