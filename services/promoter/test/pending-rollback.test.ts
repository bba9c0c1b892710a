import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRollbacks } from '../src/pending-rollback.ts';
import { promote } from '../src/promote.ts';
import { rollback } from '../src/rollback.ts';
import { type Harness, startHarness, V } from './support/harness.ts';
import { mergedPromotion } from './support/merged-promotion.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** Promoted to dev and merged, then rolled back. */
const BAD = { model: V.next, image: '1.2.0' };
/** Another bundle dev could take. */
const OTHER = { model: V.good, image: '1.0.0' };

const gate = (r: Awaited<ReturnType<typeof promote>>, name: string) => r.gates.find((g) => g.gate === name)!;
const notes = (issue: number) => h.github.pulls.comments.filter((c) => c.issue === issue).map((c) => c.body);

describe('a rollback comes before any promotion of its environment', () => {
  it('promote is refused while the rollback pull request is open, naming it, and writes nothing', async () => {
    await mergedPromotion(h, 'dev', BAD);
    const r = await rollback(h.ctx(), { env: 'dev', reason: 'error ratio alert', hold: true, by: 'oncall' });
    const pulls = h.github.pulls.pulls.length;
    const branch = `promote/dev/${OTHER.model}-${OTHER.image}`;
    const tip = await h.ctx().repo.branchSha(branch);

    for (const pins of [OTHER, BAD]) {
      const refused = await promote(h.ctx(), { env: 'dev', ...pins });
      expect(refused.status).toBe('refused');
      expect(gate(refused, 'rollback')).toEqual({
        gate: 'rollback',
        ok: false,
        detail: `rollback #${r.pull.number} (${r.pull.url}), which takes dev off model ${BAD.model} with image ${BAD.image}, is open: a rollback comes before any promotion of dev; merge or close it, then promote again`,
      });
      expect(refused.pull).toBeUndefined();
    }
    expect(h.github.pulls.pulls).toHaveLength(pulls);
    expect(await h.ctx().repo.branchSha(branch)).toBe(tip);
    // Only dev is frozen.
    expect(openRollbacks(h.ctx(), await h.ctx().repo.openPulls(), 'prod')).toEqual([]);

    // A human decides against the rollback: promotions of dev are accepted again.
    await h.ctx().repo.close(r.pull.number);
    const after = await promote(h.ctx(), { env: 'dev', ...OTHER });
    expect(after.status).toBe('opened');
    expect(gate(after, 'rollback')).toEqual({
      gate: 'rollback',
      ok: true,
      detail: 'no rollback of dev is open',
    });
    expect(h.github.violations).toEqual([]);
  });

  it('rollback closes every open promotion of its environment with a comment linking it; promotions never close a rollback', async () => {
    await mergedPromotion(h, 'dev', BAD);
    const pending = await promote(h.ctx(), { env: 'dev', ...OTHER });
    expect(pending.status).toBe('opened');
    const prod = await promote(h.ctx(), { env: 'prod' });
    expect(prod.status).not.toBe('refused');

    // No hold, and the open promotion is of another version: it is closed all the same.
    const r = await rollback(h.ctx(), { env: 'dev', reason: 'p99 doubled' });
    expect(r.closed).toEqual([pending.pull!.number]);
    expect(h.github.pulls.get(pending.pull!.number)!.state).toBe('closed');
    expect(notes(pending.pull!.number)).toEqual([
      `Closed: rollback #${r.pull.number} (${r.pull.url}) of dev is open, and a rollback comes before any promotion. Promote again once it is merged or closed; a version it holds stays refused until a human removes the hold.`,
    ]);
    expect(h.github.pulls.get(prod.pull!.number)!.state).toBe('open');

    const rollbackTip = await h.ctx().repo.branchSha(r.branch);
    const again = await promote(h.ctx(), { env: 'dev', ...OTHER });
    expect(again.status).toBe('refused');
    const rollbackPull = h.github.pulls.get(r.pull.number)!;
    expect(rollbackPull.state).toBe('open');
    expect(notes(r.pull.number)).toEqual([]);
    expect(await h.ctx().repo.branchSha(r.branch)).toBe(rollbackTip);
    expect(h.github.violations).toEqual([]);
  });
});
