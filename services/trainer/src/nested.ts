import { encodeBatch, FEATURE_COUNT } from '@titanic/features';
import type { LabelledPassenger } from './data/load.ts';
import { stratifiedFolds } from './eval/folds.ts';
import { meanStd, type ScoreSet, scores } from './eval/metrics.ts';
import type { Stat } from './eval/summary.ts';
import { scoringProbabilities } from './models/scoring.ts';
import { type Progress, silentProgress } from './progress.ts';
import { train } from './train.ts';

export interface NestedResult {
  readonly folds: number;
  readonly perFold: ScoreSet[];
  readonly accuracy: Stat;
  readonly rocAuc: Stat;
  readonly logLoss: Stat;
  readonly brier: Stat;
  /** Champion chosen by each outer fold's own search. */
  readonly champions: string[];
}

/**
 * Nested cross-validation: the whole training (encoder, group table, search, early stopping,
 * calibration check, refit) runs on each outer training split, and the untouched outer fold is
 * encoded through the serving path (no member ids: its passengers are not in the table) and scored
 * as the exported graph scores. The outer scores carry no selection optimism.
 */
export function nestedCrossValidate(
  rows: readonly LabelledPassenger[],
  opts: { seed: number; quick?: boolean; folds?: number; progress?: Progress },
): NestedResult {
  const progress = opts.progress ?? silentProgress;
  const labels = Int8Array.from(rows, (r) => r.survived);
  const outer = stratifiedFolds(labels, opts.folds ?? 10, 1, opts.seed ^ 0x9e3779b9);
  const perFold: ScoreSet[] = [];
  const champions: string[] = [];
  outer.forEach((fold, k) => {
    progress.step('outer', k + 1, outer.length, `training on ${fold.train.length} passengers`);
    const model = train(
      fold.train.map((i) => rows[i]!),
      { seed: opts.seed, quick: opts.quick, evaluations: false },
    );
    const X = encodeBatch(
      fold.test.map((i) => rows[i]!.passenger),
      model.encoder,
    );
    const p = scoringProbabilities(model.scoring, X, fold.test.length, FEATURE_COUNT);
    perFold.push(
      scores(
        fold.test.map((i) => labels[i]!),
        p,
      ),
    );
    champions.push(model.cv.champion.candidate.id);
  });
  const stat = (key: keyof ScoreSet) => meanStd(perFold.map((s) => s[key]));
  return {
    folds: outer.length,
    perFold,
    accuracy: stat('accuracy'),
    rocAuc: stat('rocAuc'),
    logLoss: stat('logLoss'),
    brier: stat('brier'),
    champions,
  };
}

/** The outer-fold scores as a Markdown table, one row per fold and the mean ± std. */
export function nestedTable(result: NestedResult): string {
  const f = (v: number) => v.toFixed(3);
  const s = (x: Stat) => `${x.mean.toFixed(3)} ± ${x.std.toFixed(3)}`;
  return [
    '| outer fold | accuracy | ROC AUC | log loss | Brier | champion of the inner search |',
    '| --- | --- | --- | --- | --- | --- |',
    ...result.perFold.map(
      (p, k) =>
        `| ${k + 1} | ${f(p.accuracy)} | ${f(p.rocAuc)} | ${f(p.logLoss)} | ${f(p.brier)} | ${result.champions[k]} |`,
    ),
    `| mean ± std | ${s(result.accuracy)} | ${s(result.rocAuc)} | ${s(result.logLoss)} | ${s(result.brier)} | |`,
  ].join('\n');
}
