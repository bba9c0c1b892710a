import { encodeBatch, FEATURE_COUNT, PASSENGER_FIELDS, type Passenger } from '@titanic/features';
import { championLogits, championOfFold, championSpec } from '../champion.ts';
import type { CvResult } from '../cross-validate.ts';
import { createRng, shuffleInPlace } from '../rng.ts';
import { logLoss, meanStd, rocAuc } from './metrics.ts';
import type { Stat } from './summary.ts';

export interface FieldImportance {
  /** A passenger field as clients send it (`PASSENGER_FIELDS`). */
  readonly field: string;
  /** Fall of the held-out ROC AUC when the field is shuffled among the fold's passengers. */
  readonly rocAucDrop: Stat;
  /** Rise of the held-out log loss. */
  readonly logLossRise: Stat;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/**
 * Permutation importance of each input field, measured out of fold: on every fold of the first
 * CV repeat, the field is shuffled among the held-out passengers, they are re-encoded with that
 * fold's encoder (exactly as the server would encode them) and scored by the champion fitted on
 * the fold's training rows. Shuffling the raw field rather than encoded columns moves everything
 * derived from it together (shuffling `name` moves the title and the family group). Mean and
 * spread are across folds, each fold averaging `permutations` shuffles.
 */
export function permutationImportance(
  passengers: readonly Passenger[],
  labels: Int8Array,
  cv: CvResult,
  seed: number,
  permutations = 5,
): FieldImportance[] {
  const F = FEATURE_COUNT;
  const spec = championSpec(cv);
  const drops = PASSENGER_FIELDS.map(() => ({ auc: [] as number[], loss: [] as number[] }));
  cv.firstRepeat.folds.forEach((fold, k) => {
    const encoder = cv.firstRepeat.encoders[k]!;
    const fitted = championOfFold(cv, k);
    const test = fold.test.map((i) => passengers[i]!);
    const y = fold.test.map((i) => labels[i]!);
    const rows = test.map((_, i) => i);
    const outsiders = new Int32Array(test.length).fill(-1);
    const score = (ps: readonly Passenger[]) => {
      const p = Array.from(
        championLogits(spec, fitted, encodeBatch(ps, encoder, outsiders), rows, F),
        sigmoid,
      );
      return { auc: rocAuc(y, p), loss: logLoss(y, p) };
    };
    const base = score(test);
    PASSENGER_FIELDS.forEach((field, f) => {
      const rng = createRng((seed + 7919 * (k + 1) + 104729 * (f + 1)) >>> 0);
      let auc = 0;
      let loss = 0;
      for (let r = 0; r < permutations; r++) {
        const values = shuffleInPlace(
          test.map((p) => p[field]),
          rng,
        );
        const s = score(test.map((p, i) => ({ ...p, [field]: values[i] }) as Passenger));
        auc += base.auc - s.auc;
        loss += s.loss - base.loss;
      }
      drops[f]!.auc.push(auc / permutations);
      drops[f]!.loss.push(loss / permutations);
    });
  });
  return PASSENGER_FIELDS.map((field, f) => ({
    field,
    rocAucDrop: meanStd(drops[f]!.auc),
    logLossRise: meanStd(drops[f]!.loss),
  })).sort((a, b) => b.rocAucDrop.mean - a.rocAucDrop.mean || a.field.localeCompare(b.field));
}
