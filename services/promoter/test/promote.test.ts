import { synthEnvironments } from '@titanic/platform/synth/render.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrailers } from '../src/context.ts';
import { EnvironmentFile } from '../src/env-file.ts';
import { parseDataBlock } from '../src/pr-body.ts';
import { promote } from '../src/promote.ts';
import { type Harness, HOUR, startHarness, V } from './support/harness.ts';
import { startPrometheus } from './support/prometheus.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('promote prod from staging', () => {
  it('opens a labelled pull request whose commit edits only the pins and re-renders dist/prod', async () => {
    const result = await promote(h.ctx(), { env: 'prod' });
    expect(result.gates.map((g) => [g.gate, g.ok])).toEqual([
      ['order', true],
      ['model', true],
      ['image', true],
      ['holds', true],
      ['rollback', true],
    ]);
    expect(result.status).toBe('opened');
    expect(result.branch).toBe(`promote/prod/${V.good}-1.1.0`);
    const pull = h.github.pulls.get(result.pull!.number)!;
    expect(pull.title).toBe(`promote(prod): titanic ${V.good}, image 1.1.0`);
    expect(pull.labels).toEqual(['promotion', 'env:prod']);
    expect(parseDataBlock(pull.body!)).toMatchObject({
      kind: 'promotion',
      env: 'prod',
      model: V.good,
      image: '1.1.0',
      from: 'staging',
      imageDigest: h.digests['inference:1.1.0'],
    });
    expect(pull.body).toContain('| ROC AUC | 0.8500 | 0.8600 | +0.0100 🟢 |');
    expect(pull.body).toContain('staging** runs model');
    expect(pull.body).toContain('no alert of staging since');

    const clone = await h.clone();
    await clone.run(['fetch', '--quiet', 'origin', result.branch!]);
    const message = await clone.run(['log', '-1', '--format=%B', 'FETCH_HEAD']);
    expect(parseTrailers(message)).toEqual({
      'Promote-Env': 'prod',
      'Promote-Model': V.good,
      'Promote-Image': '1.1.0',
      'Promote-From': 'staging',
    });
    const changed = (await clone.run(['diff', '--name-only', 'HEAD', 'FETCH_HEAD'])).split('\n');
    expect(changed).toContain('environments/prod.yaml');
    expect(changed.every((p) => p === 'environments/prod.yaml' || p.startsWith('dist/prod/'))).toBe(true);
    const envDiff = await clone.run(['diff', '-U0', 'HEAD', 'FETCH_HEAD', '--', 'environments/prod.yaml']);
    const edited = envDiff
      .split('\n')
      .filter((l) => /^[-+] /.test(l))
      .map(
        (l) =>
          l
            .trim()
            .replace(/^[-+]\s*/, '')
            .split(':')[0],
      );
    expect(new Set(edited)).toEqual(new Set(['tag', 'digest', 'version', 'sha256']));
    expect(envDiff).toContain(`+  digest: ${h.digests['inference:1.1.0']}`);
    expect(envDiff).toContain(`+  digest: ${h.digests[`model:${V.good}`]}`);

    // dist/prod on the branch is exactly what synth renders from the branch's environment files.
    await clone.run(['checkout', '--quiet', 'FETCH_HEAD']);
    const rendered = await synthEnvironments({ root: clone.dir, envs: ['prod'] });
    for (const [path, content] of Object.entries(rendered)) expect(await clone.read(path)).toBe(content);
    expect(h.github.violations).toEqual([]);
  });

  it('updates the same pull request when asked again, writing no new commit', async () => {
    const before = await h.ctx().repo.branchSha(`promote/prod/${V.good}-1.1.0`);
    const again = await promote(h.ctx(), { env: 'prod' });
    expect(again.status).toBe('updated');
    expect(again.pull!.number).toBe(1);
    expect(h.github.pulls.pulls.filter((p) => p.state === 'open')).toHaveLength(1);
    expect(await h.ctx().repo.branchSha(again.branch!)).toBe(before);
  });
});

const gate = (r: Awaited<ReturnType<typeof promote>>, name: string) => r.gates.find((g) => g.gate === name)!;

describe('gates', () => {
  it('order: prod only takes what staging runs', async () => {
    const r = await promote(h.ctx(), { env: 'prod', model: V.next, image: '1.2.0' });
    expect(r.status).toBe('refused');
    expect(gate(r, 'order')).toMatchObject({ ok: false });
    expect(gate(r, 'order').detail).toContain(`staging runs model ${V.good} with image 1.1.0`);
    expect(await promote(h.ctx(), { env: 'prod', from: 'dev' })).toMatchObject({ status: 'refused' });
  });

  it('model: an unknown version, a tampered file and a regression are refused', async () => {
    const unknown = await promote(h.ctx(), { env: 'dev', model: '2030.01.01-1' });
    expect(gate(unknown, 'model').detail).toContain('models/titanic/2030.01.01-1/model.json does not exist');
    const tampered = await promote(h.ctx(), { env: 'dev', model: V.tampered });
    expect(gate(tampered, 'model')).toMatchObject({ ok: false });
    expect(gate(tampered, 'model').detail).toContain('model.onnx hashes to');
    const worse = await promote(h.ctx(), { env: 'dev', model: V.worse });
    expect(worse.status).toBe('refused');
    expect(gate(worse, 'model').detail).toContain('regression beyond the margin');
  });

  it('model: --allow-regression lets a regression through and records the reason', async () => {
    const r = await promote(h.ctx(), {
      env: 'dev',
      model: V.worse,
      allowRegression: 'recalibrated; AUC dip expected',
    });
    expect(r.status).toBe('opened');
    expect(gate(r, 'model')).toMatchObject({ ok: true, override: 'recalibrated; AUC dip expected' });
    expect(h.github.pulls.get(r.pull!.number)!.body).toContain('⚠️ overridden');
  });

  it('image: a tag missing from the registry is refused', async () => {
    const r = await promote(h.ctx(), { env: 'dev', model: V.next, image: '9.9.9' });
    expect(gate(r, 'image')).toMatchObject({ ok: false });
    expect(gate(r, 'image').detail).toContain('ghcr.io/titanic-ml/titanic-inference:9.9.9 does not exist');
    expect(h.registry.tokenRequests.length).toBeGreaterThan(0);
  });

  it('holds: a held version is refused with the hold reason', async () => {
    const clone = await h.clone();
    const file = EnvironmentFile.parse('dev', await clone.read('environments/dev.yaml'));
    file.addHold({
      model: V.next,
      reason: 'leaks the passenger name',
      since: '2026-11-25T08:00:00Z',
      by: 'oncall',
    });
    await clone.write('environments/dev.yaml', file.toString());
    await clone.commitAll('chore(dev): hold next model');
    await clone.push();
    const r = await promote(h.ctx(), { env: 'dev', model: V.next });
    expect(r.status).toBe('refused');
    expect(gate(r, 'holds').detail).toContain('leaks the passenger name');
    expect(h.github.violations).toEqual([]);
  });
});

describe('soak evidence', () => {
  let merged = '';
  /** dev takes the prod model with image 1.2.0 by a merged promotion; returns the merge commit. */
  async function devTakes120(): Promise<string> {
    const dev = await promote(h.ctx(), { env: 'dev', model: V.prodModel, image: '1.2.0' });
    const { repo } = h.ctx();
    const { data } = await repo.client.pulls.merge({
      owner: repo.owner,
      repo: repo.repo,
      pull_number: dev.pull!.number,
    });
    return data.sha;
  }

  beforeAll(async () => {
    merged = await devTakes120();
  });

  it('staging needs a passed verification of dev, then the minimum soak alert-free from it', async () => {
    const unverified = await promote(h.ctx(), { env: 'staging' });
    expect(unverified.status).toBe('refused');
    expect(gate(unverified, 'order').detail).toBe(
      `dev at ${merged.slice(0, 12)} has no verification yet (\`promoter verify --env dev\`)`,
    );
    // A status someone else set proves nothing.
    h.github.statuses.record({
      sha: merged,
      state: 'success',
      context: 'promoter/verify/dev',
      creator: h.github.human.login,
      at: new Date(h.clock.getTime() - 5 * HOUR).toISOString(),
    });
    expect(gate(await promote(h.ctx(), { env: 'staging' }), 'order').detail).toContain(
      'has no verification yet',
    );
    await h.verified('dev', merged, new Date(h.clock.getTime() - 0.5 * HOUR));
    const early = await promote(h.ctx(), { env: 'staging' });
    expect(early.status).toBe('refused');
    expect(gate(early, 'order').detail).toMatch(
      /^dev has soaked it for 30m, less than the minimum soak of 1h: 30m to go \(/,
    );
    expect(gate(early, 'order').detail).toContain('no alert of dev since');
    const later = await promote(h.ctx({ now: () => new Date(h.clock.getTime() + HOUR) }), { env: 'staging' });
    expect(gate(later, 'order')).toMatchObject({ ok: true });
    expect(later.status).toBe('opened');
  });

  it('a failed verification refuses, and an alert in dev since the verification restarts the soak', async () => {
    h.github.statuses.record({
      sha: merged,
      state: 'failure',
      context: 'promoter/verify/dev',
      description: 'failed (alerts): firing in dev: ModelFeatureDrift',
      creator: h.github.login,
      at: new Date(h.clock.getTime() + 1000).toISOString(),
    });
    const failed = await promote(h.ctx(), { env: 'staging' });
    expect(gate(failed, 'order').detail).toContain(
      'is failure: failed (alerts): firing in dev: ModelFeatureDrift',
    );

    await h.verified('dev', merged, new Date(h.clock.getTime() + 2000));
    const drill = await startPrometheus([{ alert: 'DrillAlert', expr: 'vector(1)', labels: { env: 'dev' } }]);
    try {
      await drill.untilFiring('env="dev"');
      const r = await promote(h.ctx({ now: () => new Date(), prometheus: () => drill.client }), {
        env: 'staging',
      });
      expect(r.status).toBe('refused');
      expect(gate(r, 'order').detail).toMatch(
        /^dev has soaked it for \d+s, less than the minimum soak of 1h/,
      );
      expect(gate(r, 'order').detail).toContain('DrillAlert fired since');
    } finally {
      await drill.stop();
    }
  });
});

describe('repetition and races', () => {
  it('a newer promotion closes the older open one with a comment linking it', async () => {
    const older = await promote(h.ctx(), { env: 'dev', model: V.good, image: '1.0.0' });
    const newer = await promote(h.ctx(), { env: 'dev', model: V.good, image: '1.2.0' });
    expect(newer.superseded).toContain(older.pull!.number);
    const closed = h.github.pulls.get(older.pull!.number)!;
    expect(closed.state).toBe('closed');
    const note = h.github.pulls.comments.find((c) => c.issue === older.pull!.number)!;
    expect(note.body).toContain(`Superseded by #${newer.pull!.number} (${newer.pull!.url})`);
    expect(
      h.github.pulls.pulls.filter((p) => p.state === 'open' && p.labels.includes('env:dev')),
    ).toHaveLength(1);
  });

  it('a run interrupted after pushing the branch completes on rerun with one pull request', async () => {
    h.github.failNext('pulls/create', 403);
    const first = promote(h.ctx(), { env: 'dev', model: V.prodModel, image: '1.1.0' });
    await expect(first).rejects.toMatchObject({ status: 403 });
    const branch = `promote/dev/${V.prodModel}-1.1.0`;
    const tip = await h.ctx().repo.branchSha(branch);
    expect(tip).toBeDefined();
    expect(h.github.pulls.pulls.some((p) => p.head === branch)).toBe(false);
    const rerun = await promote(h.ctx(), { env: 'dev', model: V.prodModel, image: '1.1.0' });
    expect(rerun.status).toBe('opened');
    expect(await h.ctx().repo.branchSha(branch)).toBe(tip);
    expect(h.github.pulls.pulls.filter((p) => p.head === branch)).toHaveLength(1);
  });

  it('retries server errors with backoff', async () => {
    h.github.failNext('repos/get', 502, 2);
    const r = await promote(h.ctx(), { env: 'dev', model: V.prodModel, image: '1.1.0' });
    expect(r.status).toBe('updated');
    expect(h.github.calls.filter((c) => c.operationId === 'repos/get' && c.status === 502)).toHaveLength(2);
    expect(h.github.violations).toEqual([]);
  });

  it('waits out a secondary rate limit and tries again', async () => {
    h.github.failNext('pulls/list', 403, 1, {
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      headers: { 'retry-after': '1' },
    });
    const r = await promote(h.ctx(), { env: 'dev', model: V.prodModel, image: '1.1.0' });
    expect(r.status).toBe('updated');
    expect(h.logs.some((l) => l.startsWith('secondary rate limit on GET'))).toBe(true);
  });
});
