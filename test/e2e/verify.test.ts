import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelMetadataSchema } from '@titanic/features';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import type { PromoterContext } from '@titanic/promoter/context.ts';
import { EnvironmentFile } from '@titanic/promoter/env-file.ts';
import { type PromoteOptions, promote } from '@titanic/promoter/promote.ts';
import { code } from '@titanic/promoter/untrusted.ts';
import { readVerification } from '@titanic/promoter/verification/record.ts';
import { verify } from '@titanic/promoter/verification/verify.ts';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { waitFor } from '../observability/e2e/processes.ts';
import { skewedPassengers, trainingPassengers } from '../observability/e2e/traffic.ts';
import { startWebhookReceiver } from '../observability/e2e/webhook-receiver.ts';
import { readDeployment } from './support/deployer.ts';
import { failures, gate } from './support/gate-results.ts';
import { startPlatform } from './support/platform.ts';
import { scenario } from './support/scenario.ts';
import { proposeTrainedModel, releaseModelcars } from './support/training-pull.ts';
import { startWatchedEnvironments, type WatchedEnvironment } from './support/watched-environment.ts';

const PSI_WINDOW = 200;
/** How long dev and staging are watched after a sync. */
const WINDOW = '10s';
/** How long dev must run a bundle alert-free after its verification before staging takes it. */
const SOAK_SECONDS = 15;
const INFERENCE = 'ghcr.io/titanic-ml/titanic-inference';
const MODELCAR = 'ghcr.io/titanic-ml/titanic-model';
const { timeline, cleanups } = scenario(
  'train → dev → verified soak → staging → failed verification → rollback',
  13,
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('promoter verify, dev to staging', () => {
  it('train → dev pinned by digests → verified → staging refused before the soak, admitted after → worse model fails verification in staging → rollback → verified', async () => {
    const work = await mkdtemp(join(tmpdir(), 'e2e-verify-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));

    const platform = await timeline.step(
      `GitHub fake + OCI registry; windows ${WINDOW}, staging soaks ${SOAK_SECONDS}s`,
      async () => {
        const platform = await startPlatform(cleanups);
        const { registry, seeded, clone } = platform;
        const imageDigest = await registry.pushImage('titanic-ml/titanic-inference', seeded.pins.dev!.image);
        await releaseModelcars(registry, clone.dir, [
          ...new Set(Object.values(seeded.pins).map((p) => p.model)),
        ]);
        // An operator shortens the windows and staging's soak in a reviewed change (no rendered object changes).
        for (const env of ['dev', 'staging']) {
          const path = join(clone.dir, 'environments', `${env}.yaml`);
          const doc = parseDocument(await readFile(path, 'utf8'));
          doc.setIn(['verification', 'window'], WINDOW);
          doc.setIn(['verification', 'syncTimeout'], '90s');
          if (env === 'staging') doc.setIn(['promotion', 'minimumSoak'], `${SOAK_SECONDS}s`);
          await writeFile(path, doc.toString());
        }
        await clone.commitAll(`chore: verification windows ${WINDOW}, staging soak ${SOAK_SECONDS}s`);
        await clone.push();
        return { ...platform, imageDigest };
      },
    );
    const { github, registry, maintainer, clone, merge, seeded, imageDigest } = platform;
    /**
     * What dev serves at first: below the trained model's ROC AUC (its step checks), with a drift
     * baseline, so normal traffic passes dev's verification.
     */
    const worse = seeded.pins.dev!.model;
    const image = seeded.pins.dev!.image;

    const watched = await timeline.step(
      'dev and staging serve their bundles, each watched by its own Prometheus',
      async () => {
        const webhook = await startWebhookReceiver();
        cleanups.push(() => webhook.stop());
        return startWatchedEnvironments({
          envs: ['dev', 'staging'],
          checkout: clone.dir,
          dir: work,
          psiWindow: PSI_WINDOW,
          webhookUrl: webhook.url,
          cleanups,
        });
      },
    );
    const dev = watched.dev!;
    const staging = watched.staging!;
    // The bot reads each environment's own Prometheus, as its in-cluster configuration does.
    const ctx: PromoterContext = {
      ...platform.ctx,
      prometheus: (e: Environment) => watched[e.name]!.prometheus,
    };
    const options = (w: WatchedEnvironment) => ({
      env: w.name,
      pollMs: 2500,
      minRangeSeconds: 5,
    });
    /** Runs the bot and notes how many GitHub API requests it sent meanwhile. */
    const counted = async <T>(note: (text: string) => void, what: string, run: () => Promise<T>) => {
      const before = github.requestsBy();
      const value = await run();
      note(`${what}: ${github.requestsBy() - before} GitHub requests`);
      return value;
    };
    const promoted = async (note: (text: string) => void, o: PromoteOptions) => {
      const r = await counted(note, `promote ${o.env}`, () => promote(ctx, o));
      if (r.status !== 'opened')
        throw new Error(`promote answered ${r.status}: ${failures(r.gates).join('; ')}`);
      expect(github.pulls.get(r.pull!.number)?.labels).toEqual(
        expect.arrayContaining(['promotion', `env:${o.env}`]),
      );
      return r;
    };
    /** Waits until dev's passed verification of `commit` is `seconds` old (plus one, for the clock's grain). */
    const soaked = async (commit: string, seconds: number) => {
      const recorded = await readVerification(maintainer, commit, 'dev');
      if (recorded?.state !== 'success')
        throw new Error(`dev at ${commit} is not verified: ${recorded?.state}`);
      await sleep(Math.max(0, Date.parse(recorded.at) + (seconds + 1) * 1000 - Date.now()));
      return recorded;
    };

    const trained = await timeline.step(
      'train; the training PR; CI model-verify; merge; modelcar released',
      async () => {
        const t = await proposeTrainedModel(github, platform.ctx.repo, {
          seed: 10,
          after: seeded.pins.dev!.model,
        });
        const pull = github.pulls.get(t.pull)!;
        expect({ head: pull.head, title: pull.title }).toEqual({
          head: `train/${t.trained.version}`,
          title: `feat(models): titanic ${t.trained.version}`,
        });
        await merge(t.pull);
        await clone.pull();
        const digests = await releaseModelcars(registry, clone.dir, [t.trained.version]);
        return { ...t.trained, modelcarDigest: digests[t.trained.version]! };
      },
    );

    const devPromotion = await timeline.step(
      'promote dev to the trained model; merge; dev syncs, pinned by digests',
      async (note) => {
        const r = await promoted(note, { env: 'dev', model: trained.version });
        const sha = await merge(r.pull!.number);
        await dev.sync(clone);
        // The merged environment file pins the digests the registry returned for both pushes …
        const pinned = EnvironmentFile.parse('dev', await clone.read('environments/dev.yaml')).value();
        const digests = { image: imageDigest, model: trained.modelcarDigest };
        expect(pinned.image).toMatchObject({ tag: image, digest: digests.image });
        expect(pinned.model).toMatchObject({
          version: trained.version,
          sha256: trained.onnxSha256,
          digest: digests.model,
        });
        // … and the rendered pod pulls both by digest.
        const plan = await readDeployment(clone.dir, 'dev');
        expect(plan.image).toBe(`${INFERENCE}:${image}@${digests.image}`);
        expect(plan.modelcar.image).toBe(`${MODELCAR}:${trained.version}@${digests.model}`);
        expect(plan.image).toMatch(/@sha256:[0-9a-f]{64}$/);
        expect(plan.modelcar.image).toMatch(/@sha256:[0-9a-f]{64}$/);
        return { pull: r.pull!.number, sha, digests };
      },
    );

    await timeline.step('verify dev: waits for Synced/Healthy, then passes', async (note) => {
      const running = counted(note, 'verify dev', () => verify(ctx, options(dev)));
      await dev.predict(await trainingPassengers());
      // Argo CD finishes the rollout a moment later; verification must not start its window before.
      await sleep(3000);
      const syncedAt = new Date();
      dev.healthy();
      await waitFor(
        'the pending status "synced; watching"',
        async () =>
          (await readVerification(maintainer, devPromotion.sha, 'dev'))?.description.startsWith('synced') ||
          undefined,
        30_000,
      );
      // Traffic all through the window, as a served environment has: the window's request count is
      // an increase between scrapes, so one burst right at its start can fall before every sample.
      const passengers = await trainingPassengers();
      let watching = true;
      const traffic = (async () => {
        while (watching) {
          await dev.predict(passengers);
          await sleep(500);
        }
      })();
      const result = await running.finally(() => {
        watching = false;
      });
      await traffic;
      expect(result.outcome, JSON.stringify(result.checks)).toBe('passed');
      expect(Date.parse(result.syncedAt!)).toBeGreaterThanOrEqual(syncedAt.getTime());
      expect(result.commit).toBe(devPromotion.sha);
      expect(result.bundle).toMatchObject({ model: trained.version, image });
      expect(result.checks.find((c) => c.name === '5xx ratio')?.detail).toMatch(/^0\.0000 of [1-9]/);
      const recorded = await readVerification(maintainer, devPromotion.sha, 'dev');
      expect(recorded).toMatchObject({ state: 'success', by: github.login });
      expect(recorded?.url).toMatch(/#issuecomment-\d+$/);
      const evidence = (await maintainer.repo.comments(devPromotion.pull)).find((c) =>
        c.includes('Verification of dev passed'),
      );
      expect(evidence).toContain(result.bundle.sha256);
      // The same change is not verified twice.
      expect((await verify(ctx, options(dev))).outcome).toBe('already-recorded');
    });

    await timeline.step(`promote staging before dev's ${SOAK_SECONDS}s soak: refused`, async (note) => {
      const recorded = (await readVerification(maintainer, devPromotion.sha, 'dev'))!;
      const r = await counted(note, 'promote staging', () => promote(ctx, { env: 'staging' }));
      expect(r.status).toBe('refused');
      expect(failures(r.gates).map((f) => f.split(':')[0])).toEqual(['order']);
      const soak = new RegExp(
        `^dev has soaked it for (\\d+)s, less than the minimum soak of ${SOAK_SECONDS}s: (\\d+)s to go \\(`,
      ).exec(gate(r.gates, 'order').detail);
      expect(soak, gate(r.gates, 'order').detail).not.toBeNull();
      expect(Number(soak![1]) + Number(soak![2])).toBe(SOAK_SECONDS);
      expect(gate(r.gates, 'order').detail).toContain(
        `verification passed at ${recorded.at} on ${devPromotion.sha.slice(0, 12)} (${recorded.url})`,
      );
      expect((await maintainer.repo.openPulls()).filter((p) => p.labels.includes('env:staging'))).toEqual([]);
    });

    await timeline.step(
      "wait out dev's soak; promote staging: admitted; merge; staging syncs",
      async (note) => {
        await soaked(devPromotion.sha, SOAK_SECONDS);
        const r = await promoted(note, { env: 'staging' });
        expect(r).toMatchObject({ model: trained.version, image });
        expect(gate(r.gates, 'order').detail).toMatch(
          new RegExp(
            `^dev has soaked it for \\d+s \\(minimum soak ${SOAK_SECONDS}s; verification passed at `,
          ),
        );
        // The body shows the bundle exactly as dev's file pins it, taken from that file.
        const body = github.pulls.get(r.pull!.number)!.body;
        const source = code(
          `environments/dev.yaml at ${(await clone.run(['log', '-1', '--format=%H', 'HEAD', '--', 'environments/dev.yaml'])).slice(0, 12)}`,
        );
        const { digests } = devPromotion;
        expect(body).toContain(
          `| inference image | \`${INFERENCE}:${image}@${digests.image}\` | ${source} |`,
        );
        expect(body).toContain(
          `| modelcar | \`${MODELCAR}:${trained.version}@${digests.model}\` | ${source} |`,
        );
        expect(body).toContain(
          `**dev** runs model \`${trained.version}\` with image \`${image}\`: verification passed at`,
        );
        await merge(r.pull!.number);
        await staging.sync(clone);
        staging.healthy();
        const plan = await readDeployment(clone.dir, 'staging');
        expect([plan.image, plan.modelcar.image]).toEqual([
          `${INFERENCE}:${image}@${digests.image}`,
          `${MODELCAR}:${trained.version}@${digests.model}`,
        ]);
      },
    );

    const devWorse = await timeline.step(
      `promote dev back to ${worse}, below the trained ROC AUC; merge; dev syncs`,
      async (note) => {
        const auc = async (version: string) =>
          modelMetadataSchema.parse(JSON.parse(await clone.read(`models/titanic/${version}/model.json`)))
            .metrics.cv.rocAuc.mean;
        expect(await auc(worse)).toBeLessThan(await auc(trained.version));
        const r = await promoted(note, { env: 'dev', model: worse });
        const sha = await merge(r.pull!.number);
        await dev.sync(clone);
        dev.healthy();
        await dev.predict(await trainingPassengers());
        return sha;
      },
    );

    await timeline.step(`verify dev passes on ${worse}`, async (note) => {
      const result = await counted(note, 'verify dev', () => verify(ctx, options(dev)));
      expect(result.outcome, JSON.stringify(result.checks)).toBe('passed');
      expect(result).toMatchObject({ commit: devWorse, bundle: { model: worse, image } });
    });

    const stagingWorse = await timeline.step(
      `wait out dev's soak; promote staging to ${worse}; merge; staging syncs; skewed traffic`,
      async (note) => {
        await soaked(devWorse, SOAK_SECONDS);
        const r = await promoted(note, { env: 'staging' });
        expect(r).toMatchObject({ model: worse, image });
        const sha = await merge(r.pull!.number);
        await staging.sync(clone);
        staging.healthy();
        await staging.predict(skewedPassengers(PSI_WINDOW));
        return { pull: r.pull!.number, sha };
      },
    );

    const failed = await timeline.step(
      'verify staging fails; the rollback PR opens with a hold',
      async (note) => {
        const result = await counted(note, 'verify staging', () => verify(ctx, options(staging)));
        expect(result.outcome).toBe('failed');
        expect(result.commit).toBe(stagingWorse.sha);
        const failing = result.checks.filter((c) => !c.ok).map((c) => c.name);
        note(`failed: ${failing.join(', ')}`);
        expect(
          failing.some((n) => n === 'alerts' || n === 'prediction shift'),
          failing.join(),
        ).toBe(true);
        expect(result.rollback?.status).toBe('opened');
        const pull = github.pulls.get(result.rollback!.number)!;
        expect(pull.labels).toEqual(expect.arrayContaining(['rollback', 'env:staging']));
        const held = EnvironmentFile.parse(
          'staging',
          (await maintainer.repo.readText(pull.head, 'environments/staging.yaml'))!,
        )
          .value()
          .promotion.holds.map((h) => h.model);
        expect(held).toContain(worse);
        expect((await readVerification(maintainer, stagingWorse.sha, 'staging'))?.state).toBe('failure');
        const comment = (await maintainer.repo.comments(stagingWorse.pull)).find((c) =>
          c.includes('Verification of staging failed'),
        );
        expect(comment).toContain(`#${result.rollback!.number}`);
        return result;
      },
    );

    await timeline.step('merge the rollback; staging verified again on the previous bundle', async (note) => {
      const sha = await merge(failed.rollback!.number);
      await staging.sync(clone);
      staging.healthy();
      await staging.predict(await trainingPassengers());
      const result = await counted(note, 'verify staging', () => verify(ctx, options(staging)));
      expect(result.commit).toBe(sha);
      expect(result.bundle).toMatchObject({ model: trained.version, image });
      expect(result.outcome, JSON.stringify(result.checks)).toBe('passed');
      expect(result.rollback).toBeUndefined();
      const plan = await readDeployment(clone.dir, 'staging');
      expect(plan.modelcar.image).toBe(`${MODELCAR}:${trained.version}@${devPromotion.digests.model}`);
    });

    await timeline.step('every GitHub request and response matched the OpenAPI description', async () => {
      expect(github.violations).toEqual([]);
    });
  }, 300_000);
});
