/** A pull request as the bot sees it. */
export interface PullInfo {
  readonly number: number;
  readonly title: string;
  readonly body: string;
  readonly head: string;
  readonly url: string;
  readonly labels: readonly string[];
  readonly state: string;
  /** Login of whoever opened it. */
  readonly author: string;
  readonly merged: boolean;
  /** The commit its merge made on the base branch, once merged. */
  readonly mergeCommit: string | undefined;
}

/** The fields of GitHub's pull-request objects the bot reads. */
type ApiPull = {
  number: number;
  title: string;
  body: string | null;
  head: { ref: string };
  html_url: string;
  labels: Array<{ name?: string }>;
  state: string;
  user: { login: string } | null;
  merged_at: string | null;
  merge_commit_sha: string | null;
};

export const pullInfo = (p: ApiPull): PullInfo => ({
  number: p.number,
  title: p.title,
  body: p.body ?? '',
  head: p.head.ref,
  url: p.html_url,
  labels: p.labels.map((l) => l.name ?? ''),
  state: p.state,
  author: p.user?.login ?? '',
  merged: Boolean(p.merged_at),
  mergeCommit: (p.merged_at && p.merge_commit_sha) || undefined,
});
