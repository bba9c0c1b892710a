import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PromoterError } from '../src/errors.ts';
import { promote } from '../src/promote.ts';
import { rollback } from '../src/rollback.ts';
import { type Harness, HOUR, startHarness, V } from './support/harness.ts';
import { mergePull } from './support/merged-promotion.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const merge = (number: number) => mergePull(h, number);

describe('rollback', () => {
  let promotion: string;

  it('reverts the last promotion exactly like git revert, despite unrelated later edits', async () => {
    const promoted = await promote(h.ctx(), { env: 'prod' });
    promotion = (await h.ctx().repo.branchSha(promoted.branch!))!;
    await merge(promoted.pull!.number);
    // A later, unrelated edit of the same file must survive the revert.
    const clone = await h.clone();
    const text = await clone.read('environments/prod.yaml');
    await clone.write('environments/prod.yaml', text.replace('minReplicas: 3', 'minReplicas: 4'));
    await clone.commitAll('chore(prod): four replicas');
    await clone.push();

    const result = await rollback(h.ctx(), { env: 'prod', reason: 'p99 latency doubled' });
    expect(result.reverted).toBe(promotion);
    const pull = h.github.pulls.get(result.pull.number)!;
    expect(pull.title).toBe(`Revert "promote(prod): titanic ${V.good}, image 1.1.0"`);
    expect(pull.labels).toEqual(['rollback', 'env:prod']);

    await clone.run(['fetch', '--quiet', 'origin', result.branch]);
    const ours = await clone.run(['rev-list', '--max-count=1', 'FETCH_HEAD']);
    const message = await clone.run(['log', '-1', '--format=%B', ours]);
    expect(
      message.startsWith(
        `Revert "promote(prod): titanic ${V.good}, image 1.1.0"\n\nThis reverts commit ${promotion}.`,
      ),
    ).toBe(true);
    await clone.run(['revert', '--no-edit', promotion]);
    expect(await clone.run(['rev-parse', `${ours}^{tree}`])).toBe(
      await clone.run(['rev-parse', 'HEAD^{tree}']),
    );
    expect(await clone.run(['rev-parse', `${ours}^`])).toBe(await clone.run(['rev-parse', 'HEAD^']));
    expect(await clone.read('environments/prod.yaml')).toContain('minReplicas: 4');
    expect(h.github.violations).toEqual([]);
  });

  it('the same rollback again reuses the pull request', async () => {
    const again = await rollback(h.ctx(), { env: 'prod', reason: 'p99 latency doubled' });
    expect(again.status).toBe('updated');
    expect(
      h.github.pulls.pulls.filter((p) => p.state === 'open' && p.labels.includes('rollback')),
    ).toHaveLength(1);
  });

  it('--hold records a hold that the next promotion respects', async () => {
    const held = await rollback(h.ctx(), {
      env: 'prod',
      reason: 'error ratio alert',
      hold: true,
      by: 'oncall',
    });
    expect(held.status).toBe('updated');
    const clone = await h.clone();
    await clone.run(['fetch', '--quiet', 'origin', held.branch]);
    const log = (await clone.run(['log', '--format=%s', 'HEAD..FETCH_HEAD'])).split('\n');
    expect(log).toEqual([
      `chore(prod): hold titanic ${V.good}, image 1.1.0`,
      `Revert "promote(prod): titanic ${V.good}, image 1.1.0"`,
    ]);
    await merge(held.pull.number);
    const retry = await promote(h.ctx(), { env: 'prod' });
    expect(retry.status).toBe('refused');
    expect(retry.gates.find((g) => g.gate === 'holds')!.detail).toContain('error ratio alert');
  });

  it('refuses when later commits changed the same lines', async () => {
    const promoted = await promote(h.ctx(), { env: 'dev', model: V.next, image: '1.2.0' });
    await merge(promoted.pull!.number);
    const clone = await h.clone();
    const text = await clone.read('environments/dev.yaml');
    await clone.write('environments/dev.yaml', text.replace('tag: 1.2.0', 'tag: 1.0.0'));
    await clone.commitAll('fix(dev): pin image by hand');
    await clone.push();
    const before = h.github.pulls.pulls.length;
    const error = await rollback(h.ctx(), { env: 'dev' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromoterError);
    expect((error as PromoterError).code).toBe('revert-conflict');
    expect((error as PromoterError).message).toContain('environments/dev.yaml');
    expect((error as PromoterError).message).toContain('fix(dev): pin image by hand');
    expect(h.github.pulls.pulls.length).toBe(before);
  });

  it('reverts a squash-merged promotion, and --to refuses a commit that is not a promotion', async () => {
    // dev deploys what its file pins (the hand edit above re-rendered nothing) and passes verification.
    const dev = await promote(h.ctx(), { env: 'dev', model: V.next, image: '1.0.0' });
    expect(dev.status).toBe('opened');
    await h.verified('dev', await merge(dev.pull!.number));
    const later = h.ctx({ now: () => new Date(h.clock.getTime() + 2 * HOUR) });
    const promoted = await promote(later, { env: 'staging', allowRegression: 'fixture models' });
    expect(promoted.status).toBe('opened');
    const { repo } = h.ctx();
    const merged = await repo.client.pulls.merge({
      owner: repo.owner,
      repo: repo.repo,
      pull_number: promoted.pull!.number,
      merge_method: 'squash',
    });
    const result = await rollback(h.ctx(), { env: 'staging' });
    expect(result.reverted).toBe(merged.data.sha);
    const clone = await h.clone();
    await clone.run(['fetch', '--quiet', 'origin', result.branch]);
    await clone.run(['revert', '--no-edit', merged.data.sha]);
    expect(await clone.run(['rev-parse', 'FETCH_HEAD^{tree}'])).toBe(
      await clone.run(['rev-parse', 'HEAD^{tree}']),
    );

    const seed = await clone.run(['rev-list', '--max-parents=0', 'origin/main']);
    const error = await rollback(h.ctx(), { env: 'staging', to: seed.slice(0, 12) }).catch((e: unknown) => e);
    expect((error as PromoterError).code).toBe('usage');
  });
});
