import { label } from './builders.ts';
import { DOCS, type Handler, invalid, notFound, page, pullReply, R } from './http.ts';
import { type ServedOperation, serve } from './openapi.ts';
import { commentJson } from './pulls.ts';

/** Pull requests, their labels and comments. */
export const pullRoutes: Array<[ServedOperation, Handler]> = [
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
    async ({ fake, body, login }) => {
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
        author: login,
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
        mergedHeadSha: head,
        mergeCommitSha: sha,
        closedAt: fake.now().toISOString(),
      });
      return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
    },
  ],
  [
    // Merged pull requests that brought the commit to the default branch: the merge (or squash)
    // commit itself, or any commit of the branch a merge commit joined (reachable from the
    // merged head, not from the base it was merged into).
    serve('GET', `${R}/commits/{commit_sha}/pulls`),
    async ({ fake, params, query }) => {
      const sha = params.commit_sha!;
      const list = [];
      for (const p of fake.pulls.pulls) {
        if (!p.merged) continue;
        if (p.mergeCommitSha === sha || p.mergedHeadSha === sha) list.push(p);
        else if (p.mergedHeadSha && p.mergeCommitSha && (await fake.git.isAncestor(sha, p.mergedHeadSha))) {
          const [base] = (await fake.git.readCommit(p.mergeCommitSha)).parents;
          if (base && !(await fake.git.isAncestor(sha, base))) list.push(p);
        }
      }
      const out = [];
      for (const p of page(list, query)) out.push((await pullReply(fake, p.number, 200, false)).body);
      return { status: 200, body: out };
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
    async ({ fake, params, body, login }) => {
      if (!fake.pulls.get(Number(params.issue_number))) return notFound();
      const c = fake.pulls.comment(Number(params.issue_number), body.body, login, fake.now().toISOString());
      return { status: 201, body: commentJson(fake.coordinates, c) };
    },
  ],
];
