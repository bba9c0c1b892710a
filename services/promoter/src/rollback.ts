import { envPath, type PromoterContext, parseTrailers } from './context.ts';
import { EnvironmentFile } from './env-file.ts';
import { PromoterError } from './errors.ts';
import type { CommitInfo } from './github.ts';
import { summariseManifests } from './manifest-diff.ts';
import { openPromotions, yieldToRollback } from './pending-rollback.ts';
import { type PullData, rollbackBody } from './pr-body.ts';
import { isBotPromotion, revertedBy } from './provenance.ts';
import { revertChanges } from './revert.ts';
import { oneLine } from './untrusted.ts';

export interface RollbackOptions {
  readonly env: string;
  /** Revert this promotion commit instead of the latest one. */
  readonly to?: string;
  readonly reason?: string;
  /** Also record a hold on the reverted version in the environment file. */
  readonly hold?: boolean;
  /** Who asked (recorded in the hold). */
  readonly by?: string;
  /** Automation: refuse when a rollback pull request of this promotion was closed without merging. */
  readonly respectClosed?: boolean;
}

export interface RollbackResult {
  readonly status: 'opened' | 'updated';
  readonly env: string;
  readonly reverted: string;
  readonly branch: string;
  readonly pull: { number: number; url: string };
  /** Promotion pull requests of the environment closed in favour of this rollback. */
  readonly closed: readonly number[];
}

export const rollbackBranch = (env: string, sha: string) => `rollback/${env}/${sha.slice(0, 12)}`;

/** The newest promotion of `env` on the default branch that has not been reverted yet. */
export async function lastPromotion(
  ctx: PromoterContext,
  head: string,
  env: string,
  to?: string,
): Promise<CommitInfo> {
  const history = await ctx.repo.history(head, envPath(env), 200);
  const reverted = new Set(history.map(revertedBy).filter((s): s is string => Boolean(s)));
  const isPromotion = (c: CommitInfo) => isBotPromotion(ctx, c, env);
  if (to) {
    const c = history.find((h) => h.sha.startsWith(to));
    if (!c || !(await isPromotion(c)))
      throw new PromoterError(
        `${to} is not a promotion commit of ${env} on the default branch`,
        'usage',
        `run \`promoter status\` or \`git log -- environments/${env}.yaml\``,
      );
    return c;
  }
  let found: CommitInfo | undefined;
  for (const c of history) {
    if (reverted.has(c.sha) || parseTrailers(c.message)['Promote-Env'] !== env) continue;
    if (await isPromotion(c)) {
      found = c;
      break;
    }
  }
  if (!found)
    throw new PromoterError(`no promotion of ${env} to roll back on the default branch`, 'nothing-to-do');
  return found;
}

/** Opens (or updates) a pull request that is exactly `git revert` of the last promotion. */
export async function rollback(ctx: PromoterContext, options: RollbackOptions): Promise<RollbackResult> {
  const { repo } = ctx;
  const baseBranch = await repo.defaultBranch();
  const head = (await repo.branchSha(baseBranch))!;
  const target = await lastPromotion(ctx, head, options.env, options.to);
  const trailers = parseTrailers(target.message);
  const subject = target.message.split('\n')[0]!;
  const changes = await revertChanges(repo, target, head);
  if (changes.length === 0)
    throw new PromoterError(
      `${target.sha.slice(0, 12)} is already reverted on ${baseBranch}`,
      'nothing-to-do',
    );
  const branch = rollbackBranch(options.env, target.sha);
  if (options.respectClosed) {
    const closed = (await repo.pullsFrom(branch)).find((p) => p.state === 'closed' && !p.merged);
    if (closed)
      throw new PromoterError(
        `rollback #${closed.number} of ${target.sha.slice(0, 12)} was closed without merging; automation does not reopen it`,
        'closed-by-human',
        `run \`promoter rollback --env ${options.env}\` by hand to roll back anyway`,
      );
  }
  ctx.log(`rolling back ${options.env}: reverting ${target.sha.slice(0, 12)} ${subject}`);

  // The reason is untrusted (alert text): one bounded line, never in the trailer paragraph.
  const reason = options.reason ? oneLine(options.reason) : undefined;
  const message = `Revert "${subject}"\n\nThis reverts commit ${target.sha}.\n\n${reason ? `Reason: ${reason}\n\n` : ''}Rollback-Env: ${options.env}\n`;
  const headCommit = await repo.commit(head);
  const revertTree = await repo.treeFrom(headCommit.tree, changes);
  const steps = [{ tree: revertTree, message }];
  const path = envPath(options.env);
  const revertedText = changes.find((c) => c.path === path)?.content ?? (await repo.readText(head, path))!;
  const restored = EnvironmentFile.parse(options.env, revertedText).value();

  if (options.hold) {
    const file = EnvironmentFile.parse(options.env, revertedText);
    const model = trailers['Promote-Model'];
    const image = trailers['Promote-Image'];
    // Reuse the hold already on the branch so a rerun (or a repeated alert) writes nothing new.
    const existing = (await repo.branchSha(branch)) ? await repo.readText(branch, path) : undefined;
    const previous = existing
      ? EnvironmentFile.parse(options.env, existing)
          .value()
          .promotion.holds.find((h) => h.model === model && h.image === image)
      : undefined;
    file.addHold(
      previous ?? {
        ...(model ? { model } : {}),
        ...(image ? { image } : {}),
        reason: reason ?? `rolled back from ${options.env}`,
        since: ctx
          .now()
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
        by: options.by ?? 'promoter',
      },
    );
    const holdTree = await repo.treeFrom(revertTree, [{ path, content: file.toString() }]);
    steps.push({
      tree: holdTree,
      message: `chore(${options.env}): hold titanic ${model}, image ${image}\n\nReason: ${reason ?? 'rolled back'}\n\nHold-Env: ${options.env}\nHold-Model: ${model}\nHold-Image: ${image}\n`,
    });
  }
  await repo.commitsOnBranch(branch, head, steps);

  const files = await repo.files(head);
  const dist = changes.filter((c) => c.path.startsWith(`dist/${options.env}/`));
  const before: Record<string, string | undefined> = {};
  for (const c of dist) {
    const blob = files.get(c.path);
    before[c.path] = blob ? (await repo.blob(blob)).toString('utf8') : undefined;
  }
  const data: PullData = {
    kind: 'rollback',
    env: options.env,
    model: trailers['Promote-Model'] ?? '?',
    image: trailers['Promote-Image'] ?? '?',
    reverts: target.sha,
    base: head,
  };
  const body = rollbackBody({
    data,
    subject,
    ...(reason ? { reason } : {}),
    restores: { model: restored.model.version, image: restored.image.tag },
    hold: Boolean(options.hold),
    manifests: summariseManifests(before, Object.fromEntries(dist.map((c) => [c.path, c.content]))),
  });
  const pull = await repo.upsertPull(branch, baseBranch, `Revert "${subject}"`, body, [
    'rollback',
    `env:${options.env}`,
  ]);
  ctx.log(`${pull.created ? 'opened' : 'updated'} ${pull.url}`);
  // Published first, then looked for: a promotion opening at the same time either sees this pull
  // request and closes its own, or is listed here.
  const closed: number[] = [];
  for (const p of openPromotions(ctx, await repo.openPulls(), options.env)) {
    await yieldToRollback(ctx, p.number, pull, options.env);
    closed.push(p.number);
  }
  return {
    status: pull.created ? 'opened' : 'updated',
    env: options.env,
    reverted: target.sha,
    branch,
    pull: { number: pull.number, url: pull.url },
    closed,
  };
}
