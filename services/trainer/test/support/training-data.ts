import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@titanic/features/checkout';
import { loadTrainingCsv } from '../../src/data/load.ts';

/** The Kaggle training file, beside the repository checkout (never copied into it). */
export const TRAINING_CSV = join(REPO_ROOT, '..', 'shared', 'data', 'titanic.csv');

/** Every row of the training file, validated as the trainer reads it. */
export function trainingRows() {
  return loadTrainingCsv(readFileSync(TRAINING_CSV, 'utf8'));
}

/** The lowest drift alert threshold of any environment (staging and prod). */
export const ALERT_PSI = 0.2;
