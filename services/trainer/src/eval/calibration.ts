import { fitLogistic } from '../models/logistic.ts';

export interface CalibrationFit {
  /** Slope of the observed log-odds on the predicted log-odds: 1 when calibrated, < 1 when overconfident. */
  readonly slope: number;
  /** Calibration-in-the-large: 0 when the average prediction matches the average outcome. */
  readonly intercept: number;
}

/**
 * Logistic recalibration (Platt scaling) of out-of-fold predictions: regress the labels on the
 * predicted log-odds. It is both the diagnostic (slope, intercept) and the fix (a·z + b).
 */
export function fitCalibration(probabilities: ArrayLike<number>, labels: ArrayLike<number>): CalibrationFit {
  const n = probabilities.length;
  const z = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = Math.min(1 - 1e-7, Math.max(1e-7, probabilities[i]!));
    z[i] = Math.log(p / (1 - p));
  }
  const m = fitLogistic(
    z,
    labels,
    Array.from({ length: n }, (_, i) => i),
    1,
    { C: 1e6 },
  );
  return { slope: m.weights[0]!, intercept: m.bias };
}

/** Recalibrate only when the out-of-fold fit shows a clear miscalibration, not noise. */
export function needsRecalibration(fit: CalibrationFit): boolean {
  return Math.abs(fit.slope - 1) > 0.1 || Math.abs(fit.intercept) > 0.1;
}
