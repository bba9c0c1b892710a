import { commitSummary, gitCommit, gitRef, repository } from './builders.ts';
import type { TreeEntry } from './git-store.ts';
import { base64Lines, type Handler, invalid, notFound, page, R } from './http.ts';
import { type ServedOperation, serve } from './openapi.ts';

/** Repository, git data (refs, commits, trees, blobs), contents and commit history. */
export const gitRoutes: Array<[ServedOperation, Handler]> = [
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
];
