import { spawn } from 'node:child_process';
import { promote } from '@titanic/promoter/promote.ts';
import { git } from '@titanic/promoter/test/support/github/git-store.ts';
import { type Harness, startHarness, V } from '@titanic/promoter/test/support/harness.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMOTER_CLI } from '../e2e/support/promoter-process.ts';

// One fixture repository for the three drills, in order; each leaves dev with open promotions the
// next one must supersede, so "exactly one open" is checked against a busy repository.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const openPromotions = (env: string) =>
  h.github.pulls.pulls.filter((p) => p.state === 'open' && p.labels.includes(`env:${env}`));

describe('promotion races', () => {
  it('promoter process killed (SIGKILL) after pushing the branch and before the PR: the rerun completes', async () => {
    const branch = `refs/heads/promote/dev/${V.next}-1.2.0`;
    const env = {
      PATH: process.env.PATH ?? '',
      GITHUB_TOKEN: h.github.token,
      GITHUB_REPOSITORY: 'titanic-ml/titanic-gitops',
      GITHUB_API_URL: h.github.url,
      // Writes paced 250 ms apart, as GitHub asks for 1 s: the gap the kill lands in.
      GITHUB_WRITE_PACING_MS: '250',
      REGISTRY_URL: h.registry.url,
      REGISTRY_USERNAME: h.registry.username,
      REGISTRY_PASSWORD: h.registry.password,
      REGISTRY_TOKEN_ORIGINS: h.registry.tokenOrigin,
    };
    const args = [
      '--import',
      'tsx',
      PROMOTER_CLI,
      'promote',
      '--env',
      'dev',
      '--model',
      V.next,
      '--image',
      '1.2.0',
    ];
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, s) => r(s)));
    const deadline = Date.now() + 30_000;
    let tip = '';
    while (!tip) {
      if (Date.now() > deadline) throw new Error('the promoter never pushed its branch');
      tip = (await git(h.github.repoDir, ['for-each-ref', '--format=%(objectname)', branch]))
        .toString()
        .trim();
      if (!tip) await new Promise((r) => setTimeout(r, 10));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(h.github.pulls.pulls, 'killed before the pull request was opened').toEqual([]);

    const rerun = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, args, { env: { ...env, GITHUB_WRITE_PACING_MS: '0' } });
      let out = '';
      c.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      c.stderr.on('data', (d: Buffer) => {
        out += d.toString();
      });
      c.on('close', (code) => resolve({ code, out }));
    });
    expect(rerun.code, rerun.out).toBe(0);
    expect(rerun.out).toMatch(/^opened /m);
    expect(openPromotions('dev')).toHaveLength(1);
    // The rerun reused the pushed commit instead of stacking a second one.
    expect((await git(h.github.repoDir, ['rev-parse', branch])).toString().trim()).toBe(tip);
    expect(h.github.violations).toEqual([]);
  }, 90_000);

  it('the same promotion twice at once: one PR, one branch commit', async () => {
    const [a, b] = await Promise.all([
      promote(h.ctx(), { env: 'dev', model: V.next, image: '1.1.0' }),
      promote(h.ctx(), { env: 'dev', model: V.next, image: '1.1.0' }),
    ]);
    expect(a.pull!.number).toBe(b.pull!.number);
    expect(openPromotions('dev')).toHaveLength(1);
    const log = (await git(h.github.repoDir, ['log', '--format=%s', `main..${a.branch}`]))
      .toString()
      .trim()
      .split('\n');
    expect(log).toEqual([`promote(dev): titanic ${V.next}, image 1.1.0`]);
  });

  it('two different promotions to one environment at once: one PR stays open, the other is closed with a link to it', async () => {
    const [a, b] = await Promise.all([
      promote(h.ctx(), { env: 'dev', model: V.next, image: '1.2.0' }),
      promote(h.ctx(), { env: 'dev', model: V.good, image: '1.0.0' }),
    ]);
    expect([a.status, b.status].sort()).toEqual(['opened', 'opened']);
    const open = openPromotions('dev');
    expect(open, 'exactly one promotion PR to dev survives').toHaveLength(1);
    const survivor = open[0]!;
    const loser = [a, b].find((r) => r.pull!.number !== survivor.number)!;
    const closed = h.github.pulls.get(loser.pull!.number)!;
    expect(closed.state).toBe('closed');
    // The closed one explains itself and names the survivor; its branch (the work) is kept.
    const notes = h.github.pulls.comments.filter((c) => c.issue === closed.number).map((c) => c.body);
    expect(notes.join('\n')).toContain(`Superseded by #${survivor.number}`);
    expect(await h.ctx().repo.branchSha(loser.branch!)).toBeDefined();
    expect(h.github.violations).toEqual([]);
  });
});
