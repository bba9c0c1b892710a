import { envPath } from '@titanic/promoter/context.ts';
import { EnvironmentFile } from '@titanic/promoter/env-file.ts';
import { type PromoteResult, promote } from '@titanic/promoter/promote.ts';
import { type RollbackResult, rollback } from '@titanic/promoter/rollback.ts';
import { git } from '@titanic/promoter/test/support/github/git-store.ts';
import { type Harness, startHarness, testContext, V } from '@titanic/promoter/test/support/harness.ts';
import { mergedPromotion, mergePull } from '@titanic/promoter/test/support/merged-promotion.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFigure } from './support/figures.ts';
import { promoterProcess, stopPromoterProcesses } from './support/promoter-cli.ts';

// One fixture repository for every drill; each leaves dev with open pull requests the next one
// must deal with, so "exactly one open" is checked against a busy repository.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  stopPromoterProcesses();
  await h?.stop();
});

const openPulls = (env: string) =>
  h.github.pulls.pulls.filter((p) => p.state === 'open' && p.labels.includes(`env:${env}`));

/**
 * The first promoter process pushes its branch after about 2 s of its own CPU (1 s of it loading
 * its modules through tsx before its first request, then reading, resolving and rendering
 * dist/dev with cdk8s) and about 1 s of the fake GitHub's (schema checks, a git process per
 * request): 3 s on an idle machine. At a load average of 12 on two cores each runnable process
 * gets about a sixth of a core, and with the whole test held to a twelfth of one it took 93 s. So
 * its waits end on progress (WatchedProcess: a minute without CPU used or a request answered is a
 * hang), and this timeout only stops a run that keeps making progress without end.
 */
const KILL_DRILL_TIMEOUT = 600_000;

describe('promotion races', () => {
  it(
    'promoter process killed (SIGKILL) after pushing the branch and before the PR: the rerun completes',
    async () => {
      const branch = `promote/dev/${V.next}-1.2.0`;
      const args = ['promote', '--env', 'dev', '--model', V.next, '--image', '1.2.0'];
      const pushes = () =>
        h.github.calls.filter((c) => c.operationId === 'git/create-ref' && c.status === 201).length;
      const before = pushes();
      // Writes paced 1 s apart, as GitHub asks: the second between the branch push and the pull
      // request is the gap the kill lands in.
      const first = promoterProcess(h, 'the first promoter', args, { GITHUB_WRITE_PACING_MS: '1000' });
      await first.until(() => pushes() > before, 'pushing its branch');
      first.child.kill('SIGKILL');
      expect((await first.exited()).signal).toBe('SIGKILL');
      expect(h.github.pulls.pulls, 'killed before the pull request was opened').toEqual([]);
      const tip = await h.ctx().repo.branchSha(branch);
      expect(tip).toBeDefined();

      const rerun = await promoterProcess(h, 'the rerun', args).exited();
      expect(rerun.code, rerun.output).toBe(0);
      expect(rerun.output).toMatch(/^opened /m);
      expect(openPulls('dev')).toHaveLength(1);
      // The rerun reused the pushed commit instead of stacking a second one.
      expect(await h.ctx().repo.branchSha(branch)).toBe(tip);
      expect(h.github.violations).toEqual([]);
    },
    KILL_DRILL_TIMEOUT,
  );

  it('the same promotion twice at once: one PR, one branch commit', async () => {
    const [a, b] = await Promise.all([
      promote(h.ctx(), { env: 'dev', model: V.next, image: '1.1.0' }),
      promote(h.ctx(), { env: 'dev', model: V.next, image: '1.1.0' }),
    ]);
    expect(a.pull!.number).toBe(b.pull!.number);
    expect(openPulls('dev')).toHaveLength(1);
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
    const open = openPulls('dev');
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

/** Promoted to dev and merged; the rollback reverts it and holds it. */
const BAD = { model: V.next, image: '1.2.0' };
/** The promotion of dev that races the rollback. */
const OTHER = { model: V.good, image: '1.0.0' };
const REASON = 'error ratio above 5 %';

interface Race {
  readonly promotion: PromoteResult;
  readonly rollback: RollbackResult;
}

/** A context with its own client, as a second promoter run has (one client serialises its writes). */
function ownContext() {
  return testContext(h.github, h.registry, {
    log: (line) => h.logs.push(line),
    now: () => h.clock,
    prometheus: h.prometheus,
  });
}

/** A context whose run stops just before it opens its pull request, until released. */
function stoppedBeforeOpening() {
  const { ctx, client } = ownContext();
  let reach = () => {};
  let release = () => {};
  const reached = new Promise<void>((r) => {
    reach = r;
  });
  const released = new Promise<void>((r) => {
    release = r;
  });
  client.hook.before('request', async (options) => {
    if (options.method !== 'POST' || options.url !== '/repos/{owner}/{repo}/pulls') return;
    reach();
    await released;
  });
  return { ctx, reached, release };
}

const promoteOther = (ctx = ownContext().ctx) => promote(ctx, { env: 'dev', ...OTHER });
const rollBack = (ctx = ownContext().ctx) =>
  rollback(ctx, { env: 'dev', reason: REASON, hold: true, by: 'oncall' });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function staggered(first: 'promotion' | 'rollback', ms: number): Promise<Race> {
  let promotion: Promise<PromoteResult> | undefined;
  let rolledBack: Promise<RollbackResult> | undefined;
  const start = (which: 'promotion' | 'rollback') => {
    if (which === 'promotion') promotion = promoteOther();
    else rolledBack = rollBack();
  };
  start(first);
  await pause(ms);
  start(first === 'promotion' ? 'rollback' : 'promotion');
  const [p, r] = await Promise.all([promotion!, rolledBack!]);
  return { promotion: p, rollback: r };
}

async function asProcesses(): Promise<Race> {
  const json = ['--env', 'dev', '--json'];
  const promoter = promoterProcess(h, 'promote', [
    'promote',
    ...json,
    '--model',
    OTHER.model,
    '--image',
    OTHER.image,
  ]);
  const rollbacker = promoterProcess(h, 'rollback', ['rollback', ...json, '--hold', '--reason', REASON], {
    GITHUB_ACTOR: 'oncall',
  });
  const [p, r] = await Promise.all([promoter.exited(), rollbacker.exited()]);
  expect(r.code, r.output).toBe(0);
  const promotion = JSON.parse(promoter.stdout) as PromoteResult;
  // Exit 1 is the refusal; anything else is a failure.
  expect(p.code, p.output).toBe(promotion.status === 'refused' ? 1 : 0);
  return { promotion, rollback: JSON.parse(rollbacker.stdout) as RollbackResult };
}

const ROUNDS: ReadonlyArray<{ name: string; race: () => Promise<Race> }> = [
  ...[1, 2, 3].map((n) => ({
    name: `started together (Promise.all), round ${n}`,
    race: async () => {
      const [promotion, rolledBack] = await Promise.all([promoteOther(), rollBack()]);
      return { promotion, rollback: rolledBack };
    },
  })),
  ...[5, 50].map((ms) => ({
    name: `the promotion started ${ms} ms ahead`,
    race: () => staggered('promotion', ms),
  })),
  ...[5, 50].map((ms) => ({
    name: `the rollback started ${ms} ms ahead`,
    race: () => staggered('rollback', ms),
  })),
  {
    name: 'the rollback opens between the promotion passing its gates and opening its pull request',
    race: async () => {
      const stopped = stoppedBeforeOpening();
      const promotion = promoteOther(stopped.ctx);
      await stopped.reached;
      const rolledBack = await rollBack();
      expect(rolledBack.closed, 'the promotion has no pull request yet').toEqual([]);
      stopped.release();
      return { promotion: await promotion, rollback: rolledBack };
    },
  },
  {
    name: 'the promotion opens its pull request just before the rollback opens its own',
    race: async () => {
      const stopped = stoppedBeforeOpening();
      const rolledBack = rollBack(stopped.ctx);
      await stopped.reached;
      const promotion = await promoteOther();
      expect(promotion.status, 'no rollback pull request was open yet').toBe('opened');
      stopped.release();
      return { promotion, rollback: await rolledBack };
    },
  },
  {
    name: 'the rollback starts while the promotion pull request is open',
    race: async () => {
      const promotion = await promoteOther();
      expect(promotion.status).toBe('opened');
      return { promotion, rollback: await rollBack() };
    },
  },
  {
    name: 'the promotion starts while the rollback pull request is open',
    race: async () => {
      const rolledBack = await rollBack();
      const branch = `promote/dev/${OTHER.model}-${OTHER.image}`;
      const tip = await h.ctx().repo.branchSha(branch);
      const promotion = await promoteOther();
      expect(promotion.pull, 'refused before opening anything').toBeUndefined();
      expect(await h.ctx().repo.branchSha(branch), 'nothing pushed').toBe(tip);
      return { promotion, rollback: rolledBack };
    },
  },
  ...[1, 2].map((n) => ({ name: `two promoter processes at once, round ${n}`, race: asProcesses })),
];

/** How the losing promotion ended, for the drill's figures. */
function outcome(race: Race): string {
  if (race.promotion.status !== 'refused') return 'opened, then closed by the rollback';
  return race.promotion.pull ? 'opened, then closed itself' : 'refused before opening';
}

const gate = (r: PromoteResult, name: string) => r.gates.find((g) => g.gate === name);

/** Every branch but main is the head of a pull request: no run left work nobody can see. */
async function orphanBranches(): Promise<string[]> {
  const refs = (await git(h.github.repoDir, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/']))
    .toString()
    .trim()
    .split('\n');
  const heads = new Set(h.github.pulls.pulls.map((p) => p.head));
  return refs.filter((ref) => ref !== 'main' && !heads.has(ref));
}

/**
 * Rollback wins: it is the one open pull request of dev, holding the revert and the hold once
 * each on main's tip; main is untouched; the promotion was refused naming the rollback, or its
 * pull request was closed with a comment naming it.
 */
async function expectRollbackWon(race: Race, main: { sha: string; file: string }): Promise<void> {
  const { promotion, rollback: r } = race;
  const named = `rollback #${r.pull.number} (${r.pull.url})`;
  expect(
    openPulls('dev').map((p) => [p.number, p.labels]),
    'one open pull request of dev: the rollback',
  ).toEqual([[r.pull.number, ['rollback', 'env:dev']]]);

  const log = (await git(h.github.repoDir, ['log', '--format=%s', `main..${r.branch}`]))
    .toString()
    .trim()
    .split('\n');
  expect(log, 'the revert and the hold, once each').toEqual([
    `chore(dev): hold titanic ${BAD.model}, image ${BAD.image}`,
    `Revert "promote(dev): titanic ${BAD.model}, image ${BAD.image}"`,
  ]);
  expect((await git(h.github.repoDir, ['rev-parse', `${r.branch}~2`])).toString().trim()).toBe(main.sha);
  expect(await h.ctx().repo.branchSha('main'), 'main untouched until the merge').toBe(main.sha);
  expect(await h.ctx().repo.readText('main', envPath('dev'))).toBe(main.file);

  if (promotion.status === 'refused') {
    expect(gate(promotion, 'rollback')?.ok).toBe(false);
    expect(gate(promotion, 'rollback')?.detail).toContain(named);
  } else {
    expect(r.closed).toContain(promotion.pull!.number);
  }
  if (promotion.pull) {
    expect(h.github.pulls.get(promotion.pull.number)!.state).toBe('closed');
    const notes = h.github.pulls.comments.filter((c) => c.issue === promotion.pull!.number);
    expect(notes.length).toBeGreaterThan(0);
    for (const note of notes) expect(note.body).toContain(named);
  }
  expect(await orphanBranches()).toEqual([]);
  expect(h.github.violations).toEqual([]);
}

/** After the merge dev pins what it ran before the bad promotion, plus the hold, which refuses it. */
async function expectHeldAfterMerge(r: RollbackResult, before: string): Promise<void> {
  await mergePull(h, r.pull.number);
  const text = (await h.ctx().repo.readText('main', envPath('dev')))!;
  const holds = EnvironmentFile.parse('dev', text).value().promotion.holds;
  expect(holds).toEqual([{ ...BAD, reason: REASON, since: expect.any(String), by: 'oncall' }]);
  const expected = EnvironmentFile.parse('dev', before);
  expected.addHold(holds[0]!);
  expect(text, 'the previous bundle, byte for byte, and the hold').toBe(expected.toString());

  const again = await promote(h.ctx(), { env: 'dev', ...BAD });
  expect(again.status).toBe('refused');
  expect(gate(again, 'holds')?.detail).toContain(REASON);
  expect(gate(again, 'rollback')?.ok).toBe(true);
}

/**
 * About 5 s of work on an idle machine (setup, race, merge, checks) and 15 s with two promoter
 * processes; a loaded two-core machine stretches that many times over.
 */
const ROUND_TIMEOUT = 300_000;

describe('a promotion racing a rollback of the same environment', () => {
  for (const { name, race } of ROUNDS)
    it(
      `${name}: the rollback wins, once`,
      async () => {
        const { before } = await mergedPromotion(h, 'dev', BAD);
        const sha = (await h.ctx().repo.branchSha('main'))!;
        const file = (await h.ctx().repo.readText('main', envPath('dev')))!;
        const result = await race();
        await expectRollbackWon(result, { sha, file });
        recordFigure('promotion racing a rollback', { round: name, promotion: outcome(result) });
        await expectHeldAfterMerge(result.rollback, before);
      },
      ROUND_TIMEOUT,
    );
});
