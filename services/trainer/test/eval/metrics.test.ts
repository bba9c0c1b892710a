import { describe, expect, it } from 'vitest';
import { stratifiedFolds } from '../../src/eval/folds.ts';
import {
  accuracy,
  brier,
  calibrationTable,
  logLoss,
  meanStd,
  rocAuc,
  rocCurve,
} from '../../src/eval/metrics.ts';

describe('metrics', () => {
  const y = [0, 0, 1, 1];
  const p = [0.1, 0.4, 0.35, 0.8];

  it('computes ROC AUC by ranks, with ties counting half', () => {
    expect(rocAuc(y, p)).toBe(0.75); // the scikit-learn documentation example
    expect(rocAuc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([0, 0, 1], [0.1, 0.2, 0.9])).toBe(1);
    expect(rocAuc([1, 1], [0.1, 0.2])).toBeNaN();
  });

  it('computes accuracy, log loss and Brier score', () => {
    expect(accuracy(y, p)).toBe(0.75);
    expect(logLoss([1, 0], [0.8, 0.2])).toBeCloseTo(-Math.log(0.8), 12);
    expect(Number.isFinite(logLoss([1], [0]))).toBe(true);
    expect(brier([1, 0], [0.8, 0.3])).toBeCloseTo((0.04 + 0.09) / 2, 12);
  });

  it('bins predictions into ten calibration bins', () => {
    const table = calibrationTable([0, 1, 1, 0], [0.05, 0.95, 1, 0.5]);
    expect(table).toHaveLength(10);
    expect(table[0]).toEqual({ lower: 0, upper: 0.1, count: 1, meanPredicted: 0.05, observedRate: 0 });
    expect(table[9]!.count).toBe(2);
    expect(table[9]!.observedRate).toBe(1);
    expect(table[3]!.meanPredicted).toBeNull();
  });

  it('draws a ROC curve from (0,0) to (1,1)', () => {
    const curve = rocCurve(y, p);
    expect(curve[0]).toEqual([0, 0]);
    expect(curve.at(-1)).toEqual([1, 1]);
    expect(meanStd([1, 2, 3])).toEqual({ mean: 2, std: 1 });
  });
});

describe('stratifiedFolds', () => {
  const labels = Int8Array.from({ length: 103 }, (_, i) => (i % 3 === 0 ? 1 : 0));

  it('partitions every repeat and keeps the label balance in each fold', () => {
    const folds = stratifiedFolds(labels, 10, 2, 7);
    expect(folds).toHaveLength(20);
    for (const r of [0, 1]) {
      const tests = folds.filter((f) => f.repeat === r).flatMap((f) => f.test);
      expect([...tests].sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    }
    for (const f of folds) {
      const pos = f.test.filter((i) => labels[i] === 1).length;
      expect(pos).toBeGreaterThanOrEqual(3);
      expect(pos).toBeLessThanOrEqual(4);
      expect(f.train.length + f.test.length).toBe(103);
      expect(f.train.some((i) => f.test.includes(i))).toBe(false);
    }
  });

  it('is repeatable for a seed and differs across seeds and repeats', () => {
    expect(stratifiedFolds(labels, 5, 1, 1)).toEqual(stratifiedFolds(labels, 5, 1, 1));
    expect(stratifiedFolds(labels, 5, 1, 1)[0]!.test).not.toEqual(stratifiedFolds(labels, 5, 1, 2)[0]!.test);
    const two = stratifiedFolds(labels, 5, 2, 1);
    expect(two[0]!.test).not.toEqual(two[5]!.test);
  });
});
