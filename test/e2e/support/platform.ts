import type { PromoterContext } from '@titanic/promoter/context.ts';
import { WorkingCopy } from '@titanic/promoter/test/support/fixture-repo.ts';
import type { FakeApp } from '@titanic/promoter/test/support/github/app-routes.ts';
import { FakeGitHub } from '@titanic/promoter/test/support/github/server.ts';
import { testContext } from '@titanic/promoter/test/support/harness.ts';
import { OciRegistry } from '@titanic/promoter/test/support/oci-registry.ts';
import type { Cleanups } from './scenario.ts';
import { type Seeded, seedFromProject } from './seed.ts';

/** The GitHub side of a scenario and the registry, seeded with this project's platform. */
export interface Platform {
  readonly github: FakeGitHub;
  readonly registry: OciRegistry;
  readonly seeded: Seeded;
  /** The bot's context, built as the CLI builds it. */
  readonly ctx: PromoterContext;
  /** A maintainer's context: what a reviewer reads and merges is not counted as the bot's requests. */
  readonly maintainer: PromoterContext;
  /** A working clone of the repository on main. */
  readonly clone: WorkingCopy;
  /** A maintainer merges a pull request (a merge commit); returns the merge commit. */
  merge(pull: number): Promise<string>;
}

/**
 * A GitHub-compatible server over a real git repository holding this project's environments,
 * models and rendered dist/ (CI's model-verify passed on that commit), and a real OCI registry.
 * Whatever it starts is registered in `cleanups`.
 */
export async function startPlatform(
  cleanups: Cleanups,
  options: {
    readonly app?: FakeApp;
    readonly log?: (line: string) => void;
    /** Registry versions of the project seeded beside the pinned ones. */
    readonly models?: readonly string[];
  } = {},
): Promise<Platform> {
  const github = await FakeGitHub.start(options.app ? { app: options.app } : {});
  cleanups.push(() => github.stop());
  const registry = await OciRegistry.start();
  cleanups.push(() => registry.stop());
  const seeded = await seedFromProject(github.repoDir, { models: options.models ?? [] });
  github.checks.complete((await github.git.resolveRef('refs/heads/main'))!, 'model-verify');
  const common = { log: options.log ?? (() => {}), now: () => new Date() };
  const { ctx } = testContext(github, registry, common);
  const { client, ctx: maintainer } = testContext(github, registry, {
    ...common,
    token: github.human.token,
  });
  const clone = await WorkingCopy.clone(github.repoDir);
  cleanups.push(() => clone.dispose());
  const merge = async (pull: number) => {
    const { data } = await client.rest.pulls.merge({
      owner: github.coordinates.owner,
      repo: github.coordinates.repo,
      pull_number: pull,
      merge_method: 'merge',
    });
    if (!data.merged) throw new Error(`pull #${pull} was not merged: ${data.message}`);
    return data.sha;
  };
  return { github, registry, seeded, ctx, maintainer, clone, merge };
}
