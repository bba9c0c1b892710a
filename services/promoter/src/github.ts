import type { Client } from './client.ts';
import { PromoterError } from './errors.ts';
import { type PullInfo, pullInfo } from './pull-info.ts';

export { type Client, createClient, type GitHubOptions } from './client.ts';
export type { PullInfo } from './pull-info.ts';

export interface FileChange {
  readonly path: string;
  /** New content; null deletes the file. */
  readonly content: string | null;
}

export interface CommitInfo {
  readonly sha: string;
  readonly message: string;
  readonly parents: readonly string[];
  readonly date: string;
  readonly tree: string;
}

/** The repository operations the promoter needs, all through the REST API (no clone). */
export class Repository {
  private readonly blobs = new Map<string, Buffer>();
  /** A commit's pull requests, kept for one run only (see `forOneRun`). */
  private readonly pullsMemo: Map<string, Promise<PullInfo[]>> | undefined;

  constructor(
    readonly client: Client,
    readonly owner: string,
    readonly repo: string,
    options: { pullsMemo?: boolean } = {},
  ) {
    this.pullsMemo = options.pullsMemo ? new Map() : undefined;
  }

  /**
   * The same repository for one run of a command: a commit's pull requests are asked for once.
   * Not for a long-lived process, where a commit may yet be merged by another pull request.
   */
  forOneRun(): Repository {
    return new Repository(this.client, this.owner, this.repo, { pullsMemo: true });
  }

  private get r() {
    return { owner: this.owner, repo: this.repo };
  }

  async defaultBranch(): Promise<string> {
    return (await this.client.repos.get(this.r)).data.default_branch;
  }

  async branchSha(branch: string): Promise<string | undefined> {
    try {
      return (await this.client.git.getRef({ ...this.r, ref: `heads/${branch}` })).data.object.sha;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  async commit(sha: string): Promise<CommitInfo> {
    const { data } = await this.client.git.getCommit({ ...this.r, commit_sha: sha });
    return {
      sha: data.sha,
      message: data.message,
      parents: data.parents.map((p) => p.sha),
      date: data.committer.date,
      tree: data.tree.sha,
    };
  }

  /** path → blob sha of every file in a commit's tree. */
  async files(commitSha: string): Promise<Map<string, string>> {
    const { data } = await this.client.git.getTree({ ...this.r, tree_sha: commitSha, recursive: 'true' });
    if (data.truncated)
      throw new PromoterError('the repository tree is too large to read in one request', 'github');
    return new Map(data.tree.filter((e) => e.type === 'blob').map((e) => [e.path!, e.sha!]));
  }

  /** Blob content; cached, since a sha names its content forever. */
  async blob(sha: string): Promise<Buffer> {
    const cached = this.blobs.get(sha);
    if (cached) return cached;
    const { data } = await this.client.git.getBlob({ ...this.r, file_sha: sha });
    const content = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
    if (this.blobs.size > 500) this.blobs.clear();
    this.blobs.set(sha, content);
    return content;
  }

  /** A text file at a ref (branch or sha), or undefined when it does not exist. */
  async readText(ref: string, path: string): Promise<string | undefined> {
    try {
      const { data } = await this.client.repos.getContent({ ...this.r, path, ref });
      if (Array.isArray(data) || data.type !== 'file') return undefined;
      const file = data as { content?: string; sha: string };
      if (file.content) return Buffer.from(file.content, 'base64').toString('utf8');
      return (await this.blob(file.sha)).toString('utf8');
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  /** Names in a folder at a ref; empty when the folder does not exist. */
  async list(ref: string, path: string): Promise<Array<{ name: string; type: string }>> {
    try {
      const { data } = await this.client.repos.getContent({ ...this.r, path, ref });
      return Array.isArray(data) ? data.map((d) => ({ name: d.name, type: d.type })) : [];
    } catch (error) {
      if ((error as { status?: number }).status === 404) return [];
      throw error;
    }
  }

  /** Commits reachable from `ref` that touched `path`, newest first. */
  async history(ref: string, path: string, limit = 100): Promise<CommitInfo[]> {
    const out: CommitInfo[] = [];
    for (let page = 1; out.length < limit; page++) {
      const { data } = await this.client.repos.listCommits({
        ...this.r,
        sha: ref,
        path,
        per_page: 100,
        page,
      });
      for (const c of data) {
        out.push({
          sha: c.sha,
          message: c.commit.message,
          parents: c.parents.map((p) => p.sha),
          date: c.commit.committer?.date ?? '',
          tree: c.commit.tree.sha,
        });
      }
      if (data.length < 100) break;
    }
    return out.slice(0, limit);
  }

  /** Builds the tree of `parent` with the given file changes applied; returns its sha. */
  async tree(parent: string, changes: readonly FileChange[]): Promise<string> {
    return this.treeFrom((await this.commit(parent)).tree, changes);
  }

  async treeFrom(baseTree: string, changes: readonly FileChange[]): Promise<string> {
    if (changes.length === 0) return baseTree;
    const { data } = await this.client.git.createTree({
      ...this.r,
      base_tree: baseTree,
      tree: changes.map((c) =>
        c.content === null
          ? { path: c.path, mode: '100644' as const, type: 'blob' as const, sha: null }
          : { path: c.path, mode: '100644' as const, type: 'blob' as const, content: c.content },
      ),
    });
    return data.sha;
  }

  async commitTree(tree: string, parent: string, message: string): Promise<string> {
    const { data } = await this.client.git.createCommit({ ...this.r, message, tree, parents: [parent] });
    return data.sha;
  }

  /**
   * Makes `branch` hold exactly the given chain of commits on top of `parent`. When it already
   * does (same trees, messages and base), nothing is written: reruns are idempotent.
   */
  async commitsOnBranch(
    branch: string,
    parent: string,
    steps: ReadonlyArray<{ tree: string; message: string }>,
  ): Promise<string> {
    const current = await this.branchSha(branch);
    if (current && (await this.holdsChain(current, parent, steps))) return current;
    let sha = parent;
    for (const step of steps) sha = await this.commitTree(step.tree, sha, step.message);
    await this.setBranch(branch, sha);
    return sha;
  }

  private async holdsChain(
    tip: string,
    parent: string,
    steps: ReadonlyArray<{ tree: string; message: string }>,
  ) {
    let sha = tip;
    for (const step of [...steps].reverse()) {
      const c = await this.commit(sha);
      if (c.tree !== step.tree || c.message.trim() !== step.message.trim() || c.parents.length !== 1)
        return false;
      sha = c.parents[0]!;
    }
    return sha === parent;
  }

  /** Points a branch at `sha`, creating it or moving it (force: the bot owns its branches). */
  async setBranch(branch: string, sha: string): Promise<void> {
    if (await this.branchSha(branch)) {
      await this.client.git.updateRef({ ...this.r, ref: `heads/${branch}`, sha, force: true });
    } else {
      try {
        await this.client.git.createRef({ ...this.r, ref: `refs/heads/${branch}`, sha });
      } catch (error) {
        // "Reference already exists": a run started at the same moment created it first.
        if ((error as { status?: number }).status !== 422) throw error;
        await this.client.git.updateRef({ ...this.r, ref: `heads/${branch}`, sha, force: true });
      }
    }
  }

  async openPulls(): Promise<PullInfo[]> {
    const pulls = await this.client.paginate(this.client.pulls.list, {
      ...this.r,
      state: 'open',
      per_page: 100,
    });
    return pulls.map(pullInfo);
  }

  /** Pull requests (any state) whose head is `branch`, newest first. */
  async pullsFrom(branch: string): Promise<PullInfo[]> {
    const { data } = await this.client.pulls.list({
      ...this.r,
      state: 'all',
      head: `${this.owner}:${branch}`,
      per_page: 30,
    });
    return data.map(pullInfo);
  }

  /** Merged pull requests that brought `sha` to the default branch. */
  pullsOfCommit(sha: string): Promise<PullInfo[]> {
    const known = this.pullsMemo?.get(sha);
    if (known) return known;
    const asked = this.client.repos
      .listPullRequestsAssociatedWithCommit({ ...this.r, commit_sha: sha, per_page: 30 })
      .then(({ data }) => data.map(pullInfo));
    // A failed request is not kept: the next look asks again.
    this.pullsMemo?.set(sha, asked);
    asked.catch(() => this.pullsMemo?.delete(sha));
    return asked;
  }

  /** Completed check runs named `name` on a commit, with the app that reported each. */
  async checkRuns(
    sha: string,
    name: string,
  ): Promise<Array<{ conclusion: string | null; app: string; completedAt: string }>> {
    const { data } = await this.client.checks.listForRef({
      ...this.r,
      ref: sha,
      check_name: name,
      status: 'completed',
      per_page: 100,
    });
    return data.check_runs.map((c) => ({
      conclusion: c.conclusion,
      app: c.app?.slug ?? '',
      completedAt: c.completed_at ?? '',
    }));
  }

  /** Opens a pull request for `branch`, or updates the open one; labels are added either way. */
  async upsertPull(branch: string, base: string, title: string, body: string, labels: readonly string[]) {
    const { data: existing } = await this.client.pulls.list({
      ...this.r,
      state: 'open',
      head: `${this.owner}:${branch}`,
      per_page: 1,
    });
    let pull: { number: number; html_url: string };
    let created = false;
    if (existing[0]) {
      pull = (await this.client.pulls.update({ ...this.r, pull_number: existing[0].number, title, body }))
        .data;
    } else {
      try {
        pull = (await this.client.pulls.create({ ...this.r, head: branch, base, title, body })).data;
        created = true;
      } catch (error) {
        // "A pull request already exists": a run started at the same moment opened it; update that one.
        if ((error as { status?: number }).status !== 422) throw error;
        const { data: raced } = await this.client.pulls.list({
          ...this.r,
          state: 'open',
          head: `${this.owner}:${branch}`,
          per_page: 1,
        });
        if (!raced[0]) throw error;
        pull = (await this.client.pulls.update({ ...this.r, pull_number: raced[0].number, title, body }))
          .data;
      }
    }
    await this.client.issues.addLabels({ ...this.r, issue_number: pull.number, labels: [...labels] });
    return { number: pull.number, url: pull.html_url, created };
  }

  async comment(issue: number, body: string): Promise<void> {
    await this.client.issues.createComment({ ...this.r, issue_number: issue, body });
  }

  async comments(issue: number): Promise<string[]> {
    const list = await this.client.paginate(this.client.issues.listComments, {
      ...this.r,
      issue_number: issue,
      per_page: 100,
    });
    return list.map((c) => c.body ?? '');
  }

  async close(issue: number): Promise<void> {
    await this.client.pulls.update({ ...this.r, pull_number: issue, state: 'closed' });
  }
}
