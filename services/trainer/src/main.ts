import { resolve } from 'node:path';
import { MODELS_DIR } from '@titanic/features';
import { REPO_ROOT } from '@titanic/features/checkout';
import { commandLine, exitWithUsage, UsageError } from '@titanic/features/cli';
import { loadTrainingCsv } from './data/load.ts';
import { locateData } from './data/locate.ts';
import { TrainerError } from './errors.ts';
import { nestedCrossValidate, nestedTable } from './nested.ts';
import { type Progress, terminalProgress } from './progress.ts';
import { runTraining } from './run.ts';
import { verifyCommand } from './verify-cli.ts';

const USAGE = `usage: npm run train -- [--seed N] [--out DIR] [--quick] [--nested] [--version 2026.11.25-1] [--data-url URL]
       npm run train -- verify --version <v> (see \`npm run train -- verify --help\`)

  --seed      random seed for folds and tree subsampling (default 42)
  --out       registry root holding titanic/<version>/ (default models/)
  --quick     one CV repeat and one point per model family (tests, smoke runs)
  --nested    evaluate instead of training: the whole training inside an outer 10-fold CV; writes nothing
  --version   write this version instead of the next free one of today
  --data-url  download the training file from here when no local file exists (also TITANIC_CSV_URL)
Data: TITANIC_CSV, else ../shared/data/titanic.csv beside the repository, else the download.`;

const CLI = {
  program: 'train',
  usage: USAGE,
  config: {
    options: {
      seed: { type: 'string' },
      out: { type: 'string' },
      quick: { type: 'boolean', default: false },
      nested: { type: 'boolean', default: false },
      version: { type: 'string' },
      'data-url': { type: 'string' },
    },
  },
} as const;

function parseSeed(value: string | undefined): number {
  if (value === undefined) return 42;
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    exitWithUsage(
      CLI,
      new UsageError(`--seed ${JSON.stringify(value)} is not a whole number between 0 and 4294967295`),
    );
  }
  return seed;
}

async function main(): Promise<void> {
  if (process.argv[2] === 'verify') {
    process.exitCode = await verifyCommand(process.argv.slice(3), REPO_ROOT);
    return;
  }
  const started = performance.now();
  const { values } = commandLine(CLI);
  const progress = terminalProgress();
  const data = {
    csvPath: process.env.TITANIC_CSV || undefined,
    repoRoot: REPO_ROOT,
    url: values['data-url'] ?? (process.env.TITANIC_CSV_URL || undefined),
  };
  if (values.nested) {
    await nested(parseSeed(values.seed), values.quick ?? false, data, progress, started);
    return;
  }
  const result = await runTraining({
    seed: parseSeed(values.seed),
    quick: values.quick ?? false,
    out: resolve(values.out ?? resolve(REPO_ROOT, MODELS_DIR)),
    version: values.version,
    ...data,
    progress,
  });
  const cv = result.model.cv.champion;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  progress.info(
    [
      `wrote ${result.dir}`,
      `  version   ${result.version}`,
      `  model     ${result.model.algorithm} (${cv.candidate.id})`,
      `  sha256    ${result.onnxSha256}`,
      `  accuracy  ${cv.accuracy.mean.toFixed(4)} ± ${cv.accuracy.std.toFixed(4)}`,
      `  ROC AUC   ${cv.rocAuc.mean.toFixed(4)} ± ${cv.rocAuc.std.toFixed(4)}`,
      `  log loss  ${cv.logLoss.mean.toFixed(4)} ± ${cv.logLoss.std.toFixed(4)}`,
      `  Brier     ${cv.brier.mean.toFixed(4)} ± ${cv.brier.std.toFixed(4)}`,
      `  wall time ${seconds} s`,
    ].join('\n'),
  );
}

async function nested(
  seed: number,
  quick: boolean,
  data: Parameters<typeof locateData>[0],
  progress: Progress,
  started: number,
): Promise<void> {
  const source = await locateData(data);
  progress.info(`data: ${source.origin} (sha256 ${source.sha256})`);
  const result = nestedCrossValidate(loadTrainingCsv(source.text, source.origin), { seed, quick, progress });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${nestedTable(result)}\n\nnested cross-validation, seed ${seed}${quick ? ', quick plan' : ''}: ${seconds} s`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof TrainerError) {
    console.error(`train: ${err.message}`);
  } else {
    console.error('train: unexpected failure', err);
  }
  process.exitCode = 1;
});
