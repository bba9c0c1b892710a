import { label, type RepoCoordinates, repository, user } from './builders.ts';

/** Pull requests, labels and comments: GitHub keeps these outside git, so they live in memory. */
export interface PullState {
  number: number;
  title: string;
  body: string | null;
  head: string;
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommitSha: string | null;
  /** The head commit when it was merged. */
  mergedHeadSha?: string;
  labels: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  author: string;
}
export interface CommentState {
  id: number;
  issue: number;
  body: string;
  createdAt: string;
  author: string;
}

export class PullStore {
  readonly pulls: PullState[] = [];
  readonly comments: CommentState[] = [];
  readonly labelIds = new Map<string, number>();
  private nextComment = 1;

  create(
    p: Omit<PullState, 'number' | 'state' | 'merged' | 'mergeCommitSha' | 'labels' | 'closedAt'>,
  ): PullState {
    const pull: PullState = {
      ...p,
      number: this.pulls.length + 1,
      state: 'open',
      merged: false,
      mergeCommitSha: null,
      labels: [],
      closedAt: null,
    };
    this.pulls.push(pull);
    return pull;
  }

  get(n: number): PullState | undefined {
    return this.pulls.find((p) => p.number === n);
  }

  labelId(name: string): number {
    let id = this.labelIds.get(name);
    if (id === undefined) {
      id = 500 + this.labelIds.size;
      this.labelIds.set(name, id);
    }
    return id;
  }

  comment(issue: number, body: string, author: string, now: string): CommentState {
    const c = { id: this.nextComment++, issue, body, createdAt: now, author };
    this.comments.push(c);
    return c;
  }
}

export function pullJson(
  c: RepoCoordinates,
  store: PullStore,
  p: PullState,
  headSha: string,
  baseSha: string,
) {
  const api = `${c.base}/repos/${c.owner}/${c.repo}`;
  const html = `${c.web}/${c.owner}/${c.repo}/pull/${p.number}`;
  const side = (ref: string, sha: string) => ({
    label: `${c.owner}:${ref}`,
    ref,
    sha,
    repo: repository(c),
    user: user(c, c.owner),
  });
  const link = (href: string) => ({ href });
  return {
    url: `${api}/pulls/${p.number}`,
    id: 9000 + p.number,
    node_id: `PR_${p.number}`,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${p.number}`,
    commits_url: `${api}/pulls/${p.number}/commits`,
    review_comments_url: `${api}/pulls/${p.number}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${p.number}/comments`,
    statuses_url: `${api}/statuses/${headSha}`,
    number: p.number,
    state: p.state,
    locked: false,
    title: p.title,
    user: user(c, p.author, 2),
    body: p.body,
    labels: p.labels.map((n) => label(c, n, store.labelId(n))),
    milestone: null,
    active_lock_reason: null,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    closed_at: p.closedAt,
    merged_at: p.merged ? p.closedAt : null,
    merge_commit_sha: p.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(p.head, headSha),
    base: side(p.base, baseSha),
    _links: {
      self: link(`${api}/pulls/${p.number}`),
      html: link(html),
      issue: link(`${api}/issues/${p.number}`),
      comments: link(`${api}/issues/${p.number}/comments`),
      review_comments: link(`${api}/pulls/${p.number}/comments`),
      review_comment: link(`${api}/pulls/comments{/number}`),
      commits: link(`${api}/pulls/${p.number}/commits`),
      statuses: link(`${api}/statuses/${headSha}`),
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: false,
  };
}

/** Fields only the single-pull-request representation carries. */
export function pullDetails(p: PullState) {
  return {
    merged: p.merged,
    mergeable: p.state === 'open' ? true : null,
    rebaseable: null,
    mergeable_state: p.state === 'open' ? 'clean' : 'unknown',
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

export function commentJson(c: RepoCoordinates, cm: CommentState) {
  const api = `${c.base}/repos/${c.owner}/${c.repo}`;
  return {
    id: cm.id,
    node_id: `IC_${cm.id}`,
    url: `${api}/issues/comments/${cm.id}`,
    html_url: `${c.web}/${c.owner}/${c.repo}/pull/${cm.issue}#issuecomment-${cm.id}`,
    issue_url: `${api}/issues/${cm.issue}`,
    body: cm.body,
    user: user(c, cm.author, 2),
    created_at: cm.createdAt,
    updated_at: cm.createdAt,
    author_association: 'MEMBER',
  };
}
