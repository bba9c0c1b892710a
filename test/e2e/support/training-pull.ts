import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import type { Repository } from '@titanic/promoter/github.ts';
import { WorkingCopy } from '@titanic/promoter/test/support/fixture-repo.ts';
import type { FakeGitHub } from '@titanic/promoter/test/support/github/server.ts';
import type { OciRegistry } from '@titanic/promoter/test/support/oci-registry.ts';
import { type RunResult, runTraining } from '@titanic/trainer/run.ts';
import { verifyModel } from '@titanic/trainer/verify.ts';

export interface TrainingPull {
  readonly trained: RunResult;
  readonly pull: number;
  /** The pull request's head: the commit that adds the version, where CI's model-verify ran. */
  readonly head: string;
}

const defaultCsvPath = () => process.env.TITANIC_CSV || undefined;

/**
 * The train workflow (.github/workflows/train.yml): its train job runs the trainer (quick search)
 * in a fresh checkout of main; its propose job commits `models/titanic/<version>` to
 * `train/<version>` and opens the pull request with the workflow's title and body; then CI's
 * model-verify job re-derives the model from the data on the pull request's head and reports its
 * check run. Nothing is pushed to main.
 */
export async function proposeTrainedModel(
  github: FakeGitHub,
  repo: Repository,
  options: {
    readonly seed: number;
    readonly after: string;
    /** The training file both jobs read; default TITANIC_CSV, else the trainer's own search. */
    readonly csvPath?: string;
  },
): Promise<TrainingPull> {
  const csvPath = options.csvPath ?? defaultCsvPath();
  const checkout = await WorkingCopy.clone(github.repoDir);
  try {
    const trained = await runTraining({
      seed: options.seed,
      quick: true,
      out: join(checkout.dir, 'models'),
      repoRoot: REPO_ROOT,
      csvPath,
    });
    if (trained.version <= options.after)
      throw new Error(`new version ${trained.version} does not sort after ${options.after}`);
    const branch = `train/${trained.version}`;
    const title = `feat(models): titanic ${trained.version}`;
    await checkout.run(['switch', '--quiet', '--create', branch]);
    await checkout.run(['add', `models/titanic/${trained.version}`]);
    await checkout.run(['commit', '--quiet', '-m', title]);
    await checkout.run(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
    const head = await checkout.run(['rev-parse', 'HEAD']);
    const { data } = await repo.client.pulls.create({
      owner: repo.owner,
      repo: repo.repo,
      base: 'main',
      head: branch,
      title,
      body: `Model ${trained.version} from the scheduled training run. CI's model-verify job re-derives model.onnx and model.json from the data before this can merge; promote it to dev after the merge.`,
    });
    const verified = await verifyModel({
      registry: join(checkout.dir, 'models'),
      version: trained.version,
      repoRoot: REPO_ROOT,
      csvPath,
    });
    if (!verified.ok) throw new Error(`model-verify failed: ${verified.differences.join('; ')}`);
    github.checks.complete(head, 'model-verify');
    return { trained, pull: data.number, head };
  } finally {
    await checkout.dispose();
  }
}

/** The release workflow after a merge: the modelcar image of each version, holding its model.onnx. */
export async function releaseModelcars(
  registry: OciRegistry,
  checkout: string,
  versions: readonly string[],
): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const version of versions)
    digests[version] = await registry.pushImage(
      'titanic-ml/titanic-model',
      version,
      await readFile(join(checkout, 'models/titanic', version, 'model.onnx')),
    );
  return digests;
}
