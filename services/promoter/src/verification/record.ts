import type { PromoterContext } from '../context.ts';
import { trustOf } from '../provenance.ts';

/** Commit status context of an environment's verification. */
export const verifyContext = (env: string) => `promoter/verify/${env}`;

export type VerificationState = 'pending' | 'success' | 'failure' | 'error';

/** A verification result as recorded on GitHub (a commit status the bot set). */
export interface RecordedVerification {
  readonly commit: string;
  readonly state: VerificationState;
  readonly description: string;
  /** When the bot recorded this result: for `success`, when verification passed. */
  readonly at: string;
  /** The pull-request comment with the full evidence, when there is one. */
  readonly url?: string;
  readonly by: string;
}

/** GitHub keeps at most 140 characters of a status description. */
const MAX_DESCRIPTION = 140;

export async function recordStatus(
  ctx: PromoterContext,
  commit: string,
  env: string,
  state: VerificationState,
  description: string,
  url?: string,
): Promise<void> {
  const { client, owner, repo } = ctx.repo;
  const text = [...description];
  await client.repos.createCommitStatus({
    owner,
    repo,
    sha: commit,
    state,
    context: verifyContext(env),
    description:
      text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1).join('')}…` : description,
    ...(url ? { target_url: url } : {}),
  });
}

/**
 * The newest verification of `env` on `commit` that the bot itself recorded: statuses are
 * writable by anyone with push access, so one set by another login proves nothing.
 */
export async function readVerification(
  ctx: PromoterContext,
  commit: string,
  env: string,
): Promise<RecordedVerification | undefined> {
  const { client, owner, repo } = ctx.repo;
  const { data } = await client.repos.listCommitStatusesForRef({ owner, repo, ref: commit, per_page: 100 });
  const bots = trustOf(ctx).botLogins;
  const mine = data
    .filter((s) => s.context === verifyContext(env) && bots.includes(s.creator?.login ?? ''))
    .sort((a, b) => b.updated_at.localeCompare(a.updated_at) || b.id - a.id)[0];
  if (!mine) return undefined;
  return {
    commit,
    state: mine.state as VerificationState,
    description: mine.description ?? '',
    at: mine.updated_at,
    ...(mine.target_url ? { url: mine.target_url } : {}),
    by: mine.creator?.login ?? '',
  };
}

/** Comments on a pull request and returns the comment's URL (the status links to it). */
export async function commentWithUrl(ctx: PromoterContext, pull: number, body: string): Promise<string> {
  const { client, owner, repo } = ctx.repo;
  const { data } = await client.issues.createComment({ owner, repo, issue_number: pull, body });
  return data.html_url;
}
