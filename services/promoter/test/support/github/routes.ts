import { commitSummary, gitCommit, gitRef, label, repository } from './builders.ts';
import type { TreeEntry } from './git-store.ts';
import { type ServedOperation, serve } from './openapi.ts';
import { commentJson, pullDetails, pullJson } from './pulls.ts';
import type { FakeGitHub } from './server.ts';

export interface Reply {
  status: number;
  body?: unknown;
}
export interface Request {
  fake: FakeGitHub;
  params: Record<string, string>;
  query: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: bodies were validated against the OpenAPI schema
  body: any;
}
export type Handler = (r: Request) => Promise<Reply>;

const DOCS = 'https://docs.github.com/rest';
const notFound = (): Reply => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS } });
const invalid = (message: string): Reply => ({ status: 422, body: { message, documentation_url: DOCS } });
const R = '/repos/{owner}/{repo}';

function page<T>(items: T[], query: Record<string, string>): T[] {
  const perPage = Number(query.per_page ?? 30);
  const n = Number(query.page ?? 1);
  return items.slice((n - 1) * perPage, n * perPage);
}

async function pullReply(fake: FakeGitHub, n: number, status: number, full: boolean): Promise<Reply> {
  const p = fake.pulls.get(n);
  if (!p) return notFound();
  const headSha = (await fake.git.resolveRef(`refs/heads/${p.head}`)) ?? p.mergeCommitSha ?? '0'.repeat(40);
  const baseSha = (await fake.git.resolveRef(`refs/heads/${p.base}`)) ?? '0'.repeat(40);
  const json = pullJson(fake.coordinates, fake.pulls, p, headSha, baseSha);
  return { status, body: full ? { ...json, ...pullDetails(p) } : json };
}

function base64Lines(buf: Buffer): string {
  return (buf.toString('base64').match(/.{1,60}/g) ?? []).join('\n');
}

const handlers: Array<[ServedOperation, Handler]> = [
  [serve('GET', R), async ({ fake }) => ({ status: 200, body: repository(fake.coordinates) })],

  [
    serve('GET', `${R}/git/ref/{ref}`, ['ref']),
    async ({ fake, params }) => {
      const sha = await fake.git.resolveRef(`refs/${params.ref}`);
      return sha ? { status: 200, body: gitRef(fake.coordinates, `refs/${params.ref}`, sha) } : notFound();
    },
  ],
  [
    serve('POST', `${R}/git/refs`),
    async ({ fake, body }) => {
      if (!/^refs\/[^/]+\/.+/.test(body.ref)) return invalid('ref must be fully qualified');
      if (await fake.git.resolveRef(body.ref)) return invalid('Reference already exists');
      if ((await fake.git.type(body.sha)) !== 'commit') return invalid('Object does not exist');
      await fake.git.setRef(body.ref, body.sha);
      return { status: 201, body: gitRef(fake.coordinates, body.ref, body.sha) };
    },
  ],
  [
    serve('PATCH', `${R}/git/refs/{ref}`, ['ref']),
    async ({ fake, params, body }) => {
      const ref = `refs/${params.ref}`;
      const current = await fake.git.resolveRef(ref);
      if (!current) return invalid('Reference does not exist');
      if ((await fake.git.type(body.sha)) !== 'commit') return invalid('Object does not exist');
      if (!body.force && !(await fake.git.isAncestor(current, body.sha)))
        return invalid('Update is not a fast forward');
      await fake.git.setRef(ref, body.sha);
      return { status: 200, body: gitRef(fake.coordinates, ref, body.sha) };
    },
  ],
  [
    serve('DELETE', `${R}/git/refs/{ref}`, ['ref']),
    async ({ fake, params }) => {
      const ref = `refs/${params.ref}`;
      if (!(await fake.git.resolveRef(ref))) return invalid('Reference does not exist');
      await fake.git.deleteRef(ref);
      return { status: 204 };
    },
  ],
  [
    serve('GET', `${R}/git/commits/{commit_sha}`),
    async ({ fake, params }) =>
      (await fake.git.type(params.commit_sha!)) === 'commit'
        ? { status: 200, body: gitCommit(fake.coordinates, await fake.git.readCommit(params.commit_sha!)) }
        : notFound(),
  ],
  [
    serve('POST', `${R}/git/commits`),
    async ({ fake, body }) => {
      if ((await fake.git.type(body.tree)) !== 'tree') return invalid('Tree SHA does not exist');
      for (const p of body.parents ?? [])
        if ((await fake.git.type(p)) !== 'commit') return invalid('Parent SHA does not exist');
      const now = fake
        .now()
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      const author = {
        name: body.author?.name ?? 'promoter',
        email: body.author?.email ?? 'promoter@example.invalid',
        date: body.author?.date ?? now,
      };
      const committer = body.committer
        ? { ...body.committer, date: body.committer.date ?? now }
        : { ...author, date: now };
      const sha = await fake.git.writeCommit({
        tree: body.tree,
        parents: body.parents ?? [],
        author,
        committer,
        message: body.message,
      });
      return { status: 201, body: gitCommit(fake.coordinates, await fake.git.readCommit(sha)) };
    },
  ],
  [
    serve('GET', `${R}/git/trees/{tree_sha}`),
    async ({ fake, params, query }) => {
      const sha = params.tree_sha!;
      const type = await fake.git.type(sha);
      const tree =
        type === 'commit' ? (await fake.git.readCommit(sha)).tree : type === 'tree' ? sha : undefined;
      if (!tree) return notFound();
      const api = `${fake.url}/repos/${fake.coordinates.owner}/${fake.coordinates.repo}/git`;
      const entries = (await fake.git.listTree(tree, Boolean(query.recursive))).map((e) => ({
        ...e,
        url: `${api}/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`,
      }));
      return {
        status: 200,
        body: { sha: tree, url: `${api}/trees/${tree}`, tree: entries, truncated: false },
      };
    },
  ],
  [
    serve('POST', `${R}/git/trees`),
    async ({ fake, body }) => {
      if (body.base_tree && (await fake.git.type(body.base_tree)) !== 'tree')
        return invalid('base_tree is not a tree');
      const changes: Array<{ path: string; mode: string; sha: string | null }> = [];
      for (const e of body.tree as Array<{
        path: string;
        mode: string;
        sha?: string | null;
        content?: string;
      }>) {
        if (e.content !== undefined && e.sha !== undefined) return invalid('Use either tree.sha or content');
        const sha =
          e.content !== undefined ? await fake.git.writeBlob(Buffer.from(e.content)) : (e.sha ?? null);
        if (sha !== null && !(await fake.git.type(sha)))
          return invalid(`tree.sha ${sha} is not a valid object`);
        changes.push({ path: e.path, mode: e.mode, sha });
      }
      const tree = await fake.git.writeTree(body.base_tree, changes);
      const api = `${fake.url}/repos/${fake.coordinates.owner}/${fake.coordinates.repo}/git`;
      const entries = (await fake.git.listTree(tree, false)).map((e) => ({
        ...e,
        url: `${api}/blobs/${e.sha}`,
      }));
      return {
        status: 201,
        body: { sha: tree, url: `${api}/trees/${tree}`, tree: entries, truncated: false },
      };
    },
  ],
  [
    serve('POST', `${R}/git/blobs`),
    async ({ fake, body }) => {
      const sha = await fake.git.writeBlob(
        Buffer.from(body.content, body.encoding === 'base64' ? 'base64' : 'utf8'),
      );
      return {
        status: 201,
        body: {
          sha,
          url: `${fake.url}/repos/${fake.coordinates.owner}/${fake.coordinates.repo}/git/blobs/${sha}`,
        },
      };
    },
  ],
  [
    serve('GET', `${R}/git/blobs/{file_sha}`),
    async ({ fake, params }) => {
      if ((await fake.git.type(params.file_sha!)) !== 'blob') return notFound();
      const content = await fake.git.readBlob(params.file_sha!);
      const url = `${fake.url}/repos/${fake.coordinates.owner}/${fake.coordinates.repo}/git/blobs/${params.file_sha}`;
      return {
        status: 200,
        body: {
          sha: params.file_sha,
          node_id: `B_${params.file_sha}`,
          url,
          size: content.length,
          content: base64Lines(content),
          encoding: 'base64',
        },
      };
    },
  ],
  [
    serve('GET', `${R}/contents/{path}`, ['path']),
    async ({ fake, params, query }) => {
      const ref = query.ref ?? fake.coordinates.defaultBranch;
      const commit = (await fake.git.resolveRef(ref)) ?? (await fake.git.resolveRef(`refs/heads/${ref}`));
      if (!commit) return notFound();
      const { owner, repo } = fake.coordinates;
      const path = params.path!.replace(/\/$/, '');
      const tree = (await fake.git.readCommit(commit)).tree;
      const item = (e: TreeEntry, content?: Buffer) => {
        const api = `${fake.url}/repos/${owner}/${repo}`;
        const self = `${api}/contents/${e.path}?ref=${ref}`;
        const git = `${api}/git/${e.type === 'tree' ? 'trees' : 'blobs'}/${e.sha}`;
        const html = `${fake.coordinates.web}/${owner}/${repo}/blob/${ref}/${e.path}`;
        return {
          type: e.type === 'tree' ? 'dir' : 'file',
          size: e.size ?? 0,
          name: e.path.split('/').pop()!,
          path: e.path,
          sha: e.sha,
          url: self,
          git_url: git,
          html_url: html,
          download_url: e.type === 'tree' ? null : `${fake.coordinates.web}/raw/${ref}/${e.path}`,
          _links: { self, git, html },
          ...(content ? { content: base64Lines(content), encoding: 'base64' } : {}),
        };
      };
      const entry = (await fake.git.listPath(tree, path))[0];
      if (entry?.type === 'blob')
        return { status: 200, body: item(entry, await fake.git.readBlob(entry.sha)) };
      if (entry?.type !== 'tree') return notFound();
      const children = (await fake.git.listTree(entry.sha, false)).map((e) => ({
        ...e,
        path: `${path}/${e.path}`,
      }));
      return { status: 200, body: children.map((e) => item(e)) };
    },
  ],
  [
    serve('GET', `${R}/commits`),
    async ({ fake, query }) => {
      const start = query.sha ?? fake.coordinates.defaultBranch;
      const sha = (await fake.git.resolveRef(start)) ?? (await fake.git.resolveRef(`refs/heads/${start}`));
      if (!sha) return notFound();
      const list = page(await fake.git.log(sha, query.path), query);
      const out = [];
      for (const s of list) out.push(commitSummary(fake.coordinates, await fake.git.readCommit(s)));
      return { status: 200, body: out };
    },
  ],
  [
    serve('GET', `${R}/pulls`),
    async ({ fake, query }) => {
      const state = query.state ?? 'open';
      const owner = fake.coordinates.owner;
      let list = fake.pulls.pulls.filter((p) => state === 'all' || p.state === state);
      if (query.head) list = list.filter((p) => `${owner}:${p.head}` === query.head);
      if (query.base) list = list.filter((p) => p.base === query.base);
      list = query.direction === 'asc' ? list : [...list].reverse();
      const out = [];
      for (const p of page(list, query)) out.push((await pullReply(fake, p.number, 200, false)).body);
      return { status: 200, body: out };
    },
  ],
  [
    serve('POST', `${R}/pulls`),
    async ({ fake, body }) => {
      const head = String(body.head).replace(`${fake.coordinates.owner}:`, '');
      if (!(await fake.git.resolveRef(`refs/heads/${head}`))) return invalid(`head ${head} does not exist`);
      if (!(await fake.git.resolveRef(`refs/heads/${body.base}`)))
        return invalid(`base ${body.base} does not exist`);
      if (fake.pulls.pulls.some((p) => p.state === 'open' && p.head === head && p.base === body.base)) {
        return invalid(`A pull request already exists for ${fake.coordinates.owner}:${head}.`);
      }
      const now = fake.now().toISOString();
      const p = fake.pulls.create({
        title: body.title,
        body: body.body ?? null,
        head,
        base: body.base,
        createdAt: now,
        updatedAt: now,
        author: 'promoter[bot]',
      });
      return pullReply(fake, p.number, 201, true);
    },
  ],
  [
    serve('GET', `${R}/pulls/{pull_number}`),
    async ({ fake, params }) => pullReply(fake, Number(params.pull_number), 200, true),
  ],
  [
    serve('PATCH', `${R}/pulls/{pull_number}`),
    async ({ fake, params, body }) => {
      const p = fake.pulls.get(Number(params.pull_number));
      if (!p) return notFound();
      if (body.title !== undefined) p.title = body.title;
      if (body.body !== undefined) p.body = body.body;
      if (body.state && body.state !== p.state && !p.merged) {
        p.state = body.state;
        p.closedAt = body.state === 'closed' ? fake.now().toISOString() : null;
      }
      p.updatedAt = fake.now().toISOString();
      return pullReply(fake, p.number, 200, true);
    },
  ],
  [
    serve('PUT', `${R}/pulls/{pull_number}/merge`),
    async ({ fake, params, body }) => {
      const p = fake.pulls.get(Number(params.pull_number));
      if (!p) return notFound();
      const notMergeable = {
        status: 405,
        body: { message: 'Pull Request is not mergeable', documentation_url: DOCS },
      };
      if (p.state !== 'open') return notMergeable;
      const head = (await fake.git.resolveRef(`refs/heads/${p.head}`))!;
      const base = (await fake.git.resolveRef(`refs/heads/${p.base}`))!;
      if (body?.sha && body.sha !== head)
        return { status: 409, body: { message: 'Head branch was modified', documentation_url: DOCS } };
      const method = body?.merge_method ?? 'merge';
      if (method === 'rebase')
        return { status: 405, body: { message: 'Rebase merges are not allowed', documentation_url: DOCS } };
      const tree = await fake.git.mergeTree(base, head);
      if (!tree) return notMergeable;
      const now = fake
        .now()
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      const who = { name: 'GitHub', email: 'noreply@github.com', date: now };
      const headCommit = await fake.git.readCommit(head);
      const title =
        body?.commit_title ??
        (method === 'squash'
          ? `${p.title} (#${p.number})`
          : `Merge pull request #${p.number} from ${fake.coordinates.owner}/${p.head}`);
      const detail = body?.commit_message ?? (method === 'squash' ? headCommit.message : p.title);
      const sha = await fake.git.writeCommit({
        tree,
        parents: method === 'squash' ? [base] : [base, head],
        author: who,
        committer: who,
        message: `${title}\n\n${detail}`,
      });
      await fake.git.setRef(`refs/heads/${p.base}`, sha);
      Object.assign(p, {
        state: 'closed',
        merged: true,
        mergeCommitSha: sha,
        closedAt: fake.now().toISOString(),
      });
      return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
    },
  ],
  [
    serve('POST', `${R}/issues/{issue_number}/labels`),
    async ({ fake, params, body }) => {
      const p = fake.pulls.get(Number(params.issue_number));
      if (!p) return notFound();
      const names: string[] = Array.isArray(body)
        ? body
        : (body.labels ?? []).map((l: string | { name: string }) => (typeof l === 'string' ? l : l.name));
      for (const n of names) if (!p.labels.includes(n)) p.labels.push(n);
      return { status: 200, body: p.labels.map((n) => label(fake.coordinates, n, fake.pulls.labelId(n))) };
    },
  ],
  [
    serve('GET', `${R}/issues/{issue_number}/comments`),
    async ({ fake, params, query }) => {
      if (!fake.pulls.get(Number(params.issue_number))) return notFound();
      const list = fake.pulls.comments.filter((c) => c.issue === Number(params.issue_number));
      return { status: 200, body: page(list, query).map((c) => commentJson(fake.coordinates, c)) };
    },
  ],
  [
    serve('POST', `${R}/issues/{issue_number}/comments`),
    async ({ fake, params, body }) => {
      if (!fake.pulls.get(Number(params.issue_number))) return notFound();
      const c = fake.pulls.comment(
        Number(params.issue_number),
        body.body,
        'promoter[bot]',
        fake.now().toISOString(),
      );
      return { status: 201, body: commentJson(fake.coordinates, c) };
    },
  ],
];

export const routes: ReadonlyArray<[ServedOperation, Handler]> = handlers;
