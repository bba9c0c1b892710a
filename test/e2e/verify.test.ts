import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelMetadataSchema } from '@titanic/features';
import { loadEnvironment } from '@titanic/platform/environments/load.ts';
import { EnvironmentFile } from '@titanic/promoter/env-file.ts';
import { PrometheusClient } from '@titanic/promoter/prometheus.ts';
import { promote } from '@titanic/promoter/promote.ts';
import { WorkingCopy } from '@titanic/promoter/test/support/fixture-repo.ts';
import { FakeGitHub } from '@titanic/promoter/test/support/github/server.ts';
import { testContext } from '@titanic/promoter/test/support/harness.ts';
import { OciRegistry } from '@titanic/promoter/test/support/oci-registry.ts';
import { readVerification } from '@titanic/promoter/verification/record.ts';
import { type VerifyResult, verify } from '@titanic/promoter/verification/verify.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { startMonitoringStack } from '../observability/e2e/monitoring-stack.ts';
import { waitFor } from '../observability/e2e/processes.ts';
import { skewedPassengers, trainingPassengers } from '../observability/e2e/traffic.ts';
import { startWebhookReceiver } from '../observability/e2e/webhook-receiver.ts';
import { ArgoCdExporter } from './support/argocd-exporter.ts';
import { deployerWithDatabase } from './support/deployer-setup.ts';
import { PgUpExporter } from './support/pg-up-exporter.ts';
import { seedFromProject } from './support/seed.ts';
import { Timeline } from './support/timeline.ts';

const ENV = 'dev';
const PSI_WINDOW = 200;
/** A server release dev takes first, on the model it runs. */
const NEXT_IMAGE = '0.1.1-verify';
const timeline = new Timeline(9);
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  console.log(timeline.format('verification after sync, on the real Prometheus'));
  for (const c of cleanups.reverse()) await c().catch((err) => console.error('cleanup failed:', err));
}, 60_000);

async function predict(base: string, passengers: unknown[]) {
  for (let i = 0; i < passengers.length; i += 100) {
    const res = await fetch(`${base}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ passengers: passengers.slice(i, i + 100) }),
    });
    if (!res.ok) throw new Error(`predict answered ${res.status}: ${await res.text()}`);
  }
}

describe('promoter verify', () => {
  it('waits for Synced + Healthy at the merged bundle, passes on normal traffic, fails on drift and opens the rollback, then verifies the rollback', async () => {
    const env = await loadEnvironment(ENV);
    const work = await mkdtemp(join(tmpdir(), 'e2e-verify-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));

    const { github, ctx, merge, clone, seeded } = await timeline.step(
      'GitHub fake + registry; dev watched for 10 s after sync',
      async () => {
        const github = await FakeGitHub.start();
        cleanups.push(() => github.stop());
        const registry = await OciRegistry.start();
        cleanups.push(() => registry.stop());
        const seeded = await seedFromProject(github.repoDir);
        github.checks.complete((await github.git.resolveRef('refs/heads/main'))!, 'model-verify');
        await registry.pushImage('titanic-ml/titanic-inference', seeded.pins[ENV]!.image);
        await registry.pushImage('titanic-ml/titanic-inference', NEXT_IMAGE);
        for (const version of new Set(Object.values(seeded.pins).map((p) => p.model)))
          await registry.pushImage('titanic-ml/titanic-model', version);
        const { client, ctx } = testContext(github, registry, { log: () => {}, now: () => new Date() });
        const merge = async (pull: number) => {
          const { data } = await client.rest.pulls.merge({
            owner: github.coordinates.owner,
            repo: github.coordinates.repo,
            pull_number: pull,
            merge_method: 'merge',
          });
          if (!data.merged) throw new Error(`pull #${pull} was not merged`);
          return data.sha;
        };
        const clone = await WorkingCopy.clone(github.repoDir);
        cleanups.push(() => clone.dispose());
        // An operator shortens dev's window in a reviewed change (no rendered object changes).
        const path = join(clone.dir, 'environments', `${ENV}.yaml`);
        const doc = parseDocument(await readFile(path, 'utf8'));
        doc.setIn(['verification', 'window'], '10s');
        doc.setIn(['verification', 'syncTimeout'], '90s');
        await writeFile(path, doc.toString());
        await clone.commitAll('chore(dev): verification window 10s');
        await clone.push();
        return { github, ctx, merge, clone, seeded };
      },
    );
    const first = seeded.pins[ENV]!.model;
    const other = Object.values(seeded.pins).find((p) => p.model !== first)!.model;

    const { deployer, schema, port } = await deployerWithDatabase(ENV, PSI_WINDOW, cleanups);
    const argocd = await ArgoCdExporter.start(ENV, env.namespace, {
      sync: 'Synced',
      health: 'Healthy',
      operation: '',
    });
    cleanups.push(() => argocd.stop());
    const pgUp = await PgUpExporter.start(schema.pool);
    cleanups.push(() => pgUp.stop());

    /** A promotion (or rollback) merged: Argo CD sees it OutOfSync, syncs, and the new pod starts. */
    const mergeAndSync = async (pull: number) => {
      const sha = await merge(pull);
      argocd.set({ sync: 'OutOfSync', health: 'Healthy', operation: '' });
      await clone.pull();
      // Argo CD applies the manifests (Synced) and waits for the rollout (Progressing).
      argocd.set({ sync: 'Synced', health: 'Progressing', operation: 'sync' });
      const { proc } = await deployer.deploy(clone.dir);
      return { sha, base: proc.url };
    };

    const promoted = await timeline.step(
      `promote dev to image ${NEXT_IMAGE}; merge; the pod serves it`,
      async () => {
        const r = await promote(ctx, { env: ENV, model: first, image: NEXT_IMAGE });
        if (r.status !== 'opened')
          throw new Error(`promote answered ${r.status}: ${JSON.stringify(r.gates)}`);
        return { pull: r.pull!.number, ...(await mergeAndSync(r.pull!.number)) };
      },
    );

    const webhook = await startWebhookReceiver();
    cleanups.push(() => webhook.stop());
    const meta = modelMetadataSchema.parse(
      JSON.parse(await readFile(join(clone.dir, 'models/titanic', first, 'model.json'), 'utf8')),
    );
    const stack = await timeline.step('Prometheus scrapes inference, argocd_app_info and pg_up', async () => {
      const stack = await startMonitoringStack({
        dir: work,
        env: (await loadEnvironment(ENV, { root: clone.dir })) as typeof env,
        inference: `127.0.0.1:${port}`,
        webhookUrl: webhook.url,
        credentialsFile: join(work, 'token'),
        trainingPositiveRate: meta.trainingPositiveRate,
        argocd: argocd.target,
        postgresExporter: pgUp.target,
      });
      cleanups.push(() => stack.stop());
      await waitFor(
        'argocd_app_info and pg_up in Prometheus',
        async () =>
          ((await stack.api.query('argocd_app_info')).data?.result.length ?? 0) > 0 &&
          ((await stack.api.query('pg_up == 1')).data?.result.length ?? 0) > 0
            ? true
            : undefined,
        15_000,
      );
      return stack;
    });
    const prometheus = new PrometheusClient(stack.api.baseUrl);
    const options = { env: ENV, prometheus, pollMs: 2500, minRangeSeconds: 5 };

    const passed: VerifyResult = await timeline.step(
      'verify waits for Synced/Healthy, then passes',
      async () => {
        const running = verify(ctx, options);
        await predict(promoted.base, await trainingPassengers());
        // Argo CD finishes the sync a moment later; verification must not start its window before.
        await new Promise((r) => setTimeout(r, 3000));
        const syncedAt = new Date();
        argocd.set({ sync: 'Synced', health: 'Healthy', operation: '' });
        // Traffic inside the window: once the bot has recorded that it is watching.
        await waitFor(
          'the pending status "synced; watching"',
          async () =>
            (await readVerification(ctx, promoted.sha, ENV))?.description.startsWith('synced') || undefined,
          30_000,
        );
        await predict(promoted.base, await trainingPassengers());
        const result = await running;
        expect(result.outcome, JSON.stringify(result.checks)).toBe('passed');
        expect(Date.parse(result.syncedAt!)).toBeGreaterThanOrEqual(syncedAt.getTime());
        expect(result.commit).toBe(promoted.sha);
        expect(result.bundle).toMatchObject({ model: first, image: NEXT_IMAGE });
        expect(result.checks.find((c) => c.name === '5xx ratio')?.detail).toMatch(/^0\.0000 of [1-9]/);
        return result;
      },
    );

    await timeline.step('the result is a status on the merge commit and a PR comment', async () => {
      const recorded = await readVerification(ctx, promoted.sha, ENV);
      expect(recorded?.state).toBe('success');
      expect(recorded?.by).toBe(github.login);
      expect(recorded?.description).toContain(NEXT_IMAGE);
      const comments = await ctx.repo.comments(promoted.pull);
      const evidence = comments.find((c) => c.includes('Verification of dev passed'));
      expect(evidence).toContain(passed.bundle.sha256);
      expect(evidence).toMatch(/5xx ratio \| pass/);
      expect(recorded?.url).toMatch(/#issuecomment-\d+$/);
      // The same change is not verified twice.
      expect((await verify(ctx, options)).outcome).toBe('already-recorded');
    });

    const bad = await timeline.step(`promote dev to model ${other}; skewed traffic after sync`, async () => {
      const r = await promote(ctx, { env: ENV, model: other, allowRegression: 'verification drill' });
      if (r.status !== 'opened') throw new Error(`promote answered ${r.status}: ${JSON.stringify(r.gates)}`);
      const m = await mergeAndSync(r.pull!.number);
      argocd.set({ sync: 'Synced', health: 'Healthy', operation: '' });
      await predict(m.base, skewedPassengers(PSI_WINDOW));
      return { pull: r.pull!.number, ...m };
    });

    const failed = await timeline.step('verify fails and opens the rollback PR with a hold', async () => {
      const result = await verify(ctx, options);
      expect(result.outcome).toBe('failed');
      const failing = result.checks.filter((c) => !c.ok).map((c) => c.name);
      expect(
        failing.some((n) => n === 'alerts' || n === 'prediction shift'),
        failing.join(),
      ).toBe(true);
      expect(result.rollback?.status).toBe('opened');
      const pull = github.pulls.get(result.rollback!.number)!;
      expect(pull.labels).toEqual(expect.arrayContaining(['rollback', `env:${ENV}`]));
      const held = EnvironmentFile.parse(
        ENV,
        (await ctx.repo.readText(pull.head, `environments/${ENV}.yaml`))!,
      )
        .value()
        .promotion.holds.map((h) => h.model);
      expect(held).toContain(other);
      expect((await readVerification(ctx, bad.sha, ENV))?.state).toBe('failure');
      const comment = (await ctx.repo.comments(bad.pull)).find((c) =>
        c.includes('Verification of dev failed'),
      );
      expect(comment).toContain(`#${result.rollback!.number}`);
      return result;
    });

    await timeline.step('merge the rollback; verified again on the previous bundle', async () => {
      const m = await mergeAndSync(failed.rollback!.number);
      argocd.set({ sync: 'Synced', health: 'Healthy', operation: '' });
      await predict(m.base, await trainingPassengers());
      const result = await verify(ctx, options);
      expect(result.commit).toBe(m.sha);
      expect(result.bundle).toMatchObject({ model: first, image: NEXT_IMAGE });
      expect(result.outcome, JSON.stringify(result.checks)).toBe('passed');
      expect(result.rollback).toBeUndefined();
    });

    await timeline.step('every GitHub request and response matched the OpenAPI description', async () => {
      expect(github.violations).toEqual([]);
    });
  }, 240_000);
});
