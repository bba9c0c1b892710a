import type { Environment } from '@titanic/platform/environments/schema.ts';
import { envPath, type PromoterContext } from '../context.ts';
import { EnvironmentFile } from '../env-file.ts';
import type { CommitInfo } from '../github.ts';
import type { Bundle } from './signals.ts';

/** The change that put the environment's current manifests on the default branch. */
export interface DeployedChange {
  /** The commit that last changed `dist/<env>/`. */
  readonly change: CommitInfo;
  /** Where verification is recorded: the merge commit of the pull request that brought the change, else the change itself. */
  readonly commit: string;
  readonly pull?: { readonly number: number; readonly title: string; readonly url: string };
  readonly bundle: Bundle;
  /** The environment file at `commit`. */
  readonly environment: Environment;
}

/**
 * The newest commit reachable from `ref` that changed what Argo CD deploys for `env`, the pull
 * request that merged it, and the bundle its environment file pins. Hold-only edits do not change
 * `dist/` and so are not new deployments.
 */
export async function deployedChange(
  ctx: PromoterContext,
  ref: string,
  env: string,
): Promise<DeployedChange | undefined> {
  const [change] = await ctx.repo.history(ref, `dist/${env}`, 1);
  if (!change) return undefined;
  const pull = (await ctx.repo.pullsOfCommit(change.sha))
    .filter((p) => p.mergeCommit)
    .sort((a, b) => b.number - a.number)[0];
  const commit = pull?.mergeCommit ?? change.sha;
  const text = await ctx.repo.readText(commit, envPath(env));
  if (text === undefined) return undefined;
  const e = EnvironmentFile.parse(env, text).value();
  return {
    change,
    commit,
    ...(pull ? { pull: { number: pull.number, title: pull.title, url: pull.url } } : {}),
    bundle: { model: e.model.version, sha256: e.model.sha256, image: e.image.tag },
    environment: e,
  };
}
