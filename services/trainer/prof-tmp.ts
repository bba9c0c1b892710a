import { readFileSync } from 'node:fs';
import { FEATURE_COUNT } from '@titanic/features';
import { encodeFold } from './src/cross-validate.ts';
import { loadTrainingCsv } from './src/data/load.ts';
import { stratifiedFolds } from './src/eval/folds.ts';
import { fitGbdt } from './src/models/gbdt.ts';

const rows = loadTrainingCsv(readFileSync('/work/shared/data/titanic.csv', 'utf8'));
const P = rows.map((r) => r.passenger);
const y = Int8Array.from(rows, (r) => r.survived);
const f = stratifiedFolds(y, 10, 1, 42)[0]!;
const { X } = encodeFold(P, y, f.train);
for (const trees of [1, 100, 1, 100, 300]) {
  const t = performance.now();
  for (let k = 0; k < 5; k++)
    fitGbdt(
      X,
      y,
      f.train,
      FEATURE_COUNT,
      { trees, depth: 3, learningRate: 0.1, lambda: 1, minChildWeight: 1, subsample: 0.8 },
      k,
    );
  console.log(trees, ((performance.now() - t) / 5).toFixed(2));
}
