import { synthEnvironments } from '@titanic/platform/synth/render.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentFile } from '../src/env-file.ts';
import { promote } from '../src/promote.ts';
import { refreshPromotions } from '../src/refresh.ts';
import { type Harness, HOUR, startHarness, V } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/**
 * Commits files on main. `deployed`: those environments' dist/ is re-rendered with the change and
 * the change passed verification two hours ago, as a merged promotion that soaked would have.
 */
async function pushToMain(
  edit: (read: (p: string) => Promise<string>) => Promise<Record<string, string>>,
  deployed: string[] = [],
) {
  const clone = await h.clone();
  for (const [path, content] of Object.entries(await edit((p) => clone.read(p))))
    await clone.write(path, content);
  for (const env of deployed)
    for (const [path, content] of Object.entries(await synthEnvironments({ root: clone.dir, envs: [env] })))
      if (path.startsWith(`dist/${env}/`)) await clone.write(path, content);
  const at = new Date(h.clock.getTime() - 2 * HOUR);
  const sha = await clone.commitAll('chore: edit on main', at);
  await clone.push();
  for (const env of deployed) await h.verified(env, sha, at);
  return sha;
}

/** The branch checked out, and what synth renders from its own environment files. */
async function renderedOnBranch(branch: string, env: string) {
  const clone = await h.clone();
  await clone.run(['fetch', '--quiet', 'origin', branch]);
  await clone.run(['checkout', '--quiet', 'FETCH_HEAD']);
  const rendered = await synthEnvironments({ root: clone.dir, envs: [env] });
  const mismatched: string[] = [];
  for (const [path, content] of Object.entries(rendered))
    if ((await clone.read(path)) !== content) mismatched.push(path);
  return { clone, mismatched };
}

describe('promotion pull requests stay fresh against main', () => {
  let prodPull: number;
  let prodBranch: string;

  it('leaves a pull request alone when main moved without changing what it renders', async () => {
    const r = await promote(h.ctx(), { env: 'prod' });
    expect(r.status).toBe('opened');
    prodPull = r.pull!.number;
    prodBranch = r.branch!;
    expect(await refreshPromotions(h.ctx())).toEqual([
      { pull: prodPull, env: 'prod', status: 'fresh', detail: 'built on the tip of main' },
    ]);
    const tip = await h.ctx().repo.branchSha(prodBranch);
    const main = await pushToMain(async () => ({ 'docs/notes.md': 'unrelated\n' }));
    const [result] = await refreshPromotions(h.ctx());
    expect(result).toMatchObject({ pull: prodPull, status: 'fresh' });
    expect(result!.detail).toMatch(
      /^main moved since [0-9a-f]{12}, but nothing it renders for prod changed$/,
    );
    expect(await h.ctx().repo.branchSha(prodBranch)).toBe(tip);
    expect(main).not.toBe(tip);
  });

  it('re-renders a pull request whose dist/ went stale, on the tip of main, keeping its bundle', async () => {
    // Main changes prod's replicas: the open pull request's dist/prod/ no longer matches.
    const main = await pushToMain(async (read) => ({
      'environments/prod.yaml': (await read('environments/prod.yaml')).replace(
        'minReplicas: 3',
        'minReplicas: 4',
      ),
    }));
    const before = (await renderedOnBranch(prodBranch, 'prod')).clone;
    expect(await before.read('environments/prod.yaml')).toContain('minReplicas: 3');

    const [result] = await refreshPromotions(h.ctx());
    expect(result).toMatchObject({ pull: prodPull, env: 'prod', status: 're-rendered' });
    expect(result!.detail).toContain('dist/prod/inference.yaml');
    expect(result!.detail).toContain('environments/prod.yaml');

    const { clone, mismatched } = await renderedOnBranch(prodBranch, 'prod');
    expect(mismatched).toEqual([]);
    expect(await clone.run(['rev-parse', 'HEAD^'])).toBe(main);
    const prod = EnvironmentFile.parse('prod', await clone.read('environments/prod.yaml')).value();
    expect(prod.inference.minReplicas).toBe(4);
    expect(prod.image).toMatchObject({ tag: '1.1.0', digest: h.digests['inference:1.1.0'] });
    expect(prod.model).toMatchObject({ version: V.good, digest: h.digests[`model:${V.good}`] });
    expect(h.github.pulls.get(prodPull)!.state).toBe('open');
    // Fresh again: a second run changes nothing.
    const tip = await h.ctx().repo.branchSha(prodBranch);
    expect((await refreshPromotions(h.ctx()))[0]).toMatchObject({ status: 'fresh' });
    expect(await h.ctx().repo.branchSha(prodBranch)).toBe(tip);
    expect(h.github.violations).toEqual([]);
  });

  it('closes a stale pull request whose bundle the gates now refuse, saying why', async () => {
    // prod is promoted by its own pull request; close it to look at staging alone.
    await h.ctx().repo.close(prodPull);
    const setDevImage = async (tag: string) => {
      const clone = await h.clone();
      const dev = EnvironmentFile.parse('dev', await clone.read('environments/dev.yaml'));
      dev.setImage(tag, h.digests[`inference:${tag}`]);
      return dev.toString();
    };
    const devOn120 = await setDevImage('1.2.0');
    await pushToMain(async () => ({ 'environments/dev.yaml': devOn120 }), ['dev']);
    const staging = await promote(h.ctx(), { env: 'staging' });
    expect(staging.status).toBe('opened');
    // dev moves on to another image and main changes staging's replicas: the open staging
    // pull request is stale, and its bundle is no longer what dev runs.
    const devOn100 = await setDevImage('1.0.0');
    await pushToMain(async (read) => {
      return {
        'environments/dev.yaml': devOn100,
        'environments/staging.yaml': (await read('environments/staging.yaml')).replace(
          'minReplicas: 2',
          'minReplicas: 3',
        ),
      };
    });
    const [result] = await refreshPromotions(h.ctx(), 'staging');
    expect(result).toMatchObject({ pull: staging.pull!.number, env: 'staging', status: 'refused' });
    expect(result!.detail).toContain(
      `order: dev runs model ${V.good} with image 1.0.0, not model ${V.good} with image 1.2.0`,
    );
    const pull = h.github.pulls.get(staging.pull!.number)!;
    expect(pull.state).toBe('closed');
    const note = h.github.pulls.comments.find((c) => c.issue === staging.pull!.number)!;
    expect(note.body).toMatch(
      /^Closed: main moved \(.*dist\/staging\/inference\.yaml.*\) and promoting this bundle again on [0-9a-f]{12} was refused: <code>/,
    );
  });
});
