import { FEATURE_COUNT } from '@titanic/features';
import { describe, expect, it } from 'vitest';
import { crossValidate, encodeFold } from '../src/cross-validate.ts';
import { stratifiedFolds } from '../src/eval/folds.ts';
import { QUICK_PLAN } from '../src/search.ts';
import { trainingRows } from './support/training-data.ts';

const rows = trainingRows();
const passengers = rows.map((r) => r.passenger);
const labels = Int8Array.from(rows, (r) => r.survived);

describe('encodeFold', () => {
  it('never lets a held-out row or its label shape the features', () => {
    const fold = stratifiedFolds(labels, 10, 1, 1)[0]!;
    const flipped = Int8Array.from(labels);
    const changed = passengers.map((p) => ({ ...p }));
    for (const i of fold.test) {
      flipped[i] = 1 - flipped[i]!;
      changed[i]!.age = 99; // would move the age medians if the held-out rows were used
    }
    const a = encodeFold(passengers, labels, fold.train);
    const b = encodeFold(changed, flipped, fold.train);
    expect(b.encoder).toEqual(a.encoder);
    for (const i of fold.train) {
      expect(b.X.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT)).toEqual(
        a.X.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT),
      );
    }
  });

  it("leaves a training row's own label out of its group features", () => {
    const all = rows.map((_, i) => i);
    const a = encodeFold(passengers, labels, all);
    const flipped = Int8Array.from(labels);
    flipped[0] = 1 - flipped[0]!;
    const b = encodeFold(passengers, flipped, all);
    expect(b.X.subarray(0, FEATURE_COUNT)).toEqual(a.X.subarray(0, FEATURE_COUNT));
  });
});

describe('crossValidate', () => {
  it('scores every candidate on out-of-fold predictions and picks the best ROC AUC', () => {
    const cv = crossValidate(passengers, labels, QUICK_PLAN, 42);
    expect(cv.results.map((r) => r.candidate.kind)).toEqual(['logistic', 'gbdt', 'blend']);
    expect(cv.champion.rocAuc.mean).toBe(Math.max(...cv.results.map((r) => r.rocAuc.mean)));
    for (const r of cv.results) {
      expect(r.oof).toHaveLength(rows.length);
      expect(Array.from(r.oof).every((p) => p > 0 && p < 1)).toBe(true);
      expect(r.foldCalibration).toHaveLength(10);
    }
    // The product's quality floor, on the quick plan.
    expect(cv.champion.accuracy.mean).toBeGreaterThanOrEqual(0.835);
    expect(cv.champion.rocAuc.mean).toBeGreaterThanOrEqual(0.875);
  });
});
