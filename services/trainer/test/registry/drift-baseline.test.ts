import {
  encodeBatch,
  FEATURE_COUNT,
  FEATURE_NAMES,
  type FeatureHistogram,
  histogram,
  type Passenger,
  psi,
} from '@titanic/features';
import { describe, expect, it } from 'vitest';
import { stratifiedFolds } from '../../src/eval/folds.ts';
import { driftBaseline } from '../../src/registry/metadata.ts';
import { train } from '../../src/train.ts';
import { ALERT_PSI, trainingRows } from '../support/training-data.ts';

const rows = trainingRows();

/** PSI of every feature of `served` (what the server encodes) against the baseline histograms. */
function psiByFeature(baseline: readonly FeatureHistogram[], served: Float32Array): Record<string, number> {
  const n = served.length / FEATURE_COUNT;
  return Object.fromEntries(
    baseline.map((h, j) => {
      const values = Array.from({ length: n }, (_, i) => served[i * FEATURE_COUNT + j]!);
      return [h.feature, psi(h.counts, histogram(h.feature, values, h.edges).counts)];
    }),
  );
}

const over = (byFeature: Record<string, number>) =>
  Object.entries(byFeature).filter(([, v]) => v >= ALERT_PSI);

describe('drift baselines', () => {
  // A model trained on 80 % of the file; the other 20 % are passengers it has never seen.
  const split = stratifiedFolds(
    Int8Array.from(rows, (r) => r.survived),
    5,
    1,
    3,
  )[0]!;
  const trained = split.train.map((i) => rows[i]!);
  const unseen: Passenger[] = split.test.map((i) => rows[i]!.passenger);
  const model = train(trained, { seed: 3, quick: true, evaluations: false });
  const baseline = driftBaseline(model);

  it('covers every feature', () => {
    expect(baseline.map((h) => h.feature)).toEqual([...FEATURE_NAMES]);
  });

  it('keeps replayed training passengers and unseen passengers under the alert threshold', () => {
    const replayed = encodeBatch(
      trained.map((r) => r.passenger),
      model.encoder,
    );
    const fresh = encodeBatch(unseen, model.encoder);
    const a = psiByFeature(baseline, replayed);
    const b = psiByFeature(baseline, fresh);
    expect(over(a)).toEqual([]);
    expect(over(b)).toEqual([]);
  });

  it('would page on replayed training passengers if serving let them see their own outcome', () => {
    const passengers = trained.map((r) => r.passenger);
    const seeingThemselves = encodeBatch(
      passengers,
      model.encoder,
      new Int32Array(passengers.length).fill(-1),
    );
    const paging = over(psiByFeature(baseline, seeingThemselves)).map(([f]) => f);
    expect(paging).toContain('group_has_known');
    expect(paging).toContain('group_known_members');
  });
});
