import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from './git-store.ts';
import { FakeGitHub } from './server.ts';

let fake: FakeGitHub;
let octokit: Octokit;
const r = { owner: 'titanic-ml', repo: 'titanic-gitops' };

beforeAll(async () => {
  fake = await FakeGitHub.start();
  const dir = await mkdtemp(join(tmpdir(), 'fake-seed-'));
  await git(dir, ['init', '--quiet', '--initial-branch=main']);
  await writeFile(join(dir, 'a.txt'), 'one\n');
  await git(dir, ['add', '.']);
  await git(dir, [
    '-c',
    'user.name=t',
    '-c',
    'user.email=t@example.invalid',
    'commit',
    '--quiet',
    '-m',
    'init',
  ]);
  await git(dir, ['push', '--quiet', fake.repoDir, 'main']);
  await rm(dir, { recursive: true, force: true });
  octokit = new Octokit({ auth: fake.token, baseUrl: fake.url, request: { retries: 0 } });
});
afterAll(async () => {
  await fake?.stop();
});

describe('fake GitHub server', () => {
  it('stores commits made through the git data API as real git objects', async () => {
    const main = (await octokit.git.getRef({ ...r, ref: 'heads/main' })).data.object.sha;
    const base = await octokit.git.getCommit({ ...r, commit_sha: main });
    const tree = await octokit.git.createTree({
      ...r,
      base_tree: base.data.tree.sha,
      tree: [{ path: 'dir/b.txt', mode: '100644', type: 'blob', content: 'two\n' }],
    });
    const commit = await octokit.git.createCommit({
      ...r,
      message: 'add b',
      tree: tree.data.sha,
      parents: [main],
    });
    await octokit.git.updateRef({ ...r, ref: 'heads/main', sha: commit.data.sha });
    expect((await git(fake.repoDir, ['show', 'main:dir/b.txt'])).toString()).toBe('two\n');
    expect((await git(fake.repoDir, ['cat-file', '-p', commit.data.sha])).toString()).toContain(
      `parent ${main}`,
    );
    expect(fake.violations).toEqual([]);
  });

  it('refuses a non-fast-forward ref update unless forced, like GitHub', async () => {
    const main = (await octokit.git.getRef({ ...r, ref: 'heads/main' })).data.object.sha;
    const parent = (await octokit.git.getCommit({ ...r, commit_sha: main })).data.parents[0]!.sha;
    await expect(octokit.git.updateRef({ ...r, ref: 'heads/main', sha: parent })).rejects.toMatchObject({
      status: 422,
    });
  });

  it("rejects requests that break GitHub's OpenAPI description and records the violation", async () => {
    await expect(
      octokit.request('POST /repos/{owner}/{repo}/git/trees', {
        ...r,
        tree: [{ path: 'x', mode: '100600', type: 'blob', content: 'x' }],
      } as never),
    ).rejects.toMatchObject({ status: 422 });
    expect(fake.violations.at(-1)).toMatchObject({ operationId: 'git/create-tree', where: 'request' });
    expect(fake.violations.at(-1)!.message).toContain(
      '/tree/0/mode must be equal to one of the allowed values',
    );
    fake.violations.length = 0;
  });

  it('rejects a wrong token with 401', async () => {
    const stranger = new Octokit({ auth: 'ghp_wrong', baseUrl: fake.url });
    await expect(stranger.repos.get(r)).rejects.toMatchObject({ status: 401 });
  });

  it('merges pull requests with a real three-way merge', async () => {
    const main = (await octokit.git.getRef({ ...r, ref: 'heads/main' })).data.object.sha;
    await octokit.git.createRef({ ...r, ref: 'refs/heads/topic', sha: main });
    const base = await octokit.git.getCommit({ ...r, commit_sha: main });
    const tree = await octokit.git.createTree({
      ...r,
      base_tree: base.data.tree.sha,
      tree: [{ path: 'a.txt', mode: '100644', type: 'blob', content: 'one\nmore\n' }],
    });
    const commit = await octokit.git.createCommit({
      ...r,
      message: 'more',
      tree: tree.data.sha,
      parents: [main],
    });
    await octokit.git.updateRef({ ...r, ref: 'heads/topic', sha: commit.data.sha });
    const pull = await octokit.pulls.create({ ...r, head: 'topic', base: 'main', title: 'More' });
    await expect(
      octokit.pulls.create({ ...r, head: 'topic', base: 'main', title: 'Again' }),
    ).rejects.toMatchObject({ status: 422 });
    const merged = await octokit.pulls.merge({ ...r, pull_number: pull.data.number });
    expect((await git(fake.repoDir, ['rev-parse', `${merged.data.sha}^2`])).toString().trim()).toBe(
      commit.data.sha,
    );
    expect((await octokit.pulls.get({ ...r, pull_number: pull.data.number })).data.merged).toBe(true);
    expect(fake.violations).toEqual([]);
  });
});
