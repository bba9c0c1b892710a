import { merge } from 'node-diff3';
import { PromoterError } from './errors.ts';
import type { CommitInfo, FileChange, Repository } from './github.ts';

/**
 * The file changes `git revert <commit>` makes on top of `head`: a three-way merge per file with
 * the commit as base, `head` as ours and the commit's parent as theirs. Where a later commit
 * changed the same lines the revert is refused, naming the file and those commits.
 */
export async function revertChanges(
  repo: Repository,
  commit: CommitInfo,
  head: string,
): Promise<FileChange[]> {
  const parent = commit.parents[0];
  if (!parent || commit.parents.length !== 1) {
    throw new PromoterError(
      `${commit.sha} is a merge or root commit and cannot be reverted on its own`,
      'revert',
    );
  }
  const [atCommit, atParent, atHead] = await Promise.all([
    repo.files(commit.sha),
    repo.files(parent),
    repo.files(head),
  ]);
  const paths = [...new Set([...atCommit.keys(), ...atParent.keys()])]
    .filter((p) => atCommit.get(p) !== atParent.get(p))
    .sort();
  const text = async (sha: string | undefined) =>
    sha === undefined ? undefined : (await repo.blob(sha)).toString('utf8');
  const changes: FileChange[] = [];
  const conflicts: string[] = [];
  for (const path of paths) {
    const base = atCommit.get(path);
    const theirs = atParent.get(path);
    const ours = atHead.get(path);
    if (ours === base) {
      changes.push({ path, content: (await text(theirs)) ?? null });
      continue;
    }
    if (ours === theirs) continue;
    if (ours === undefined || base === undefined || theirs === undefined) {
      conflicts.push(path);
      continue;
    }
    const [o, b, t] = await Promise.all([text(ours), text(base), text(theirs)]);
    const result = merge(o!.split('\n'), b!.split('\n'), t!.split('\n'), {});
    if (result.conflict) conflicts.push(path);
    else changes.push({ path, content: result.result.join('\n') });
  }
  if (conflicts.length > 0) {
    const later: string[] = [];
    for (const path of conflicts) {
      for (const c of await repo.history(head, path, 20)) {
        if (c.sha === commit.sha) break;
        later.push(`${c.sha.slice(0, 12)} ${c.message.split('\n')[0]} (${path})`);
      }
    }
    throw new PromoterError(
      `cannot revert ${commit.sha.slice(0, 12)} cleanly: later commits changed the same lines of ${conflicts.join(', ')}:\n  ${later.join('\n  ')}`,
      'revert-conflict',
      'revert those commits first, or edit the environment file by hand in a pull request',
    );
  }
  return changes;
}
