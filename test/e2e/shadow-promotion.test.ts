import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironment, REPO_ROOT } from '@titanic/platform/environments/load.ts';
import type { PromoterContext } from '@titanic/promoter/context.ts';
import { EnvironmentFile } from '@titanic/promoter/env-file.ts';
import { promote } from '@titanic/promoter/promote.ts';
import { promoteShadow } from '@titanic/promoter/promote-shadow.ts';
import { shadowEvidence } from '@titanic/promoter/shadow-gate.ts';
import { recordStatus } from '@titanic/promoter/verification/record.ts';
import { locateData } from '@titanic/trainer/data/locate.ts';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { waitFor } from '../observability/e2e/processes.ts';
import { trainingPassengers } from '../observability/e2e/traffic.ts';
import { startWebhookReceiver } from '../observability/e2e/webhook-receiver.ts';
import { readDeployment } from './support/deployer.ts';
import { failures, gate } from './support/gate-results.ts';
import { startPlatform } from './support/platform.ts';
import { scenario } from './support/scenario.ts';
import { proposeTrainedModel, releaseModelcars } from './support/training-pull.ts';
import { startWatchedEnvironments } from './support/watched-environment.ts';

/**
 * Promotion through the shadow, end to end. Prod's rendered bundle runs in the real inference
 * process (the local deployer runs both modelcar steps), its own Prometheus scrapes it, and the
 * promoter reads the shadow's live evidence there:
 *
 * - WORSE: the real trainer fits a model on a copy of the training file with every label flipped:
 *   its cross-validated ROC AUC is as good as prod's, its answers are the opposite. Its training
 *   pull request passes model-verify on that file and merges; it reaches staging through the
 *   promoter; pinned as prod's shadow and fed the training passengers, its promotion is refused by
 *   the shadow gate alone.
 * - GOOD: registry version 2026.11.25-2, which agrees with prod's 2026.11.25-1. It reaches staging
 *   the same way, is pinned as prod's shadow in its place, fed the same traffic, and its promotion
 *   is admitted with the evidence table in the pull request.
 *
 * Dev and staging are not served here: the bot records a passed verification of each of their
 * merges as `promoter verify` does (that run is proven in verify.test.ts), and their alerts are
 * read from prod's Prometheus, which holds none of theirs.
 */
const GOOD = '2026.11.25-2';
/** How long prod wants staging to have run a bundle alert-free, shortened from 24h in a reviewed change. */
const PROD_SOAK = '5s';
const PSI_WINDOW = 200;
const MODELCAR = 'ghcr.io/titanic-ml/titanic-model';
const { timeline, cleanups } = scenario(
  "prod's shadow: a disagreeing candidate refused on live evidence, an agreeing one promoted",
  12,
);

/** The training file with every passenger's outcome flipped: a label bug upstream of the trainer. */
async function flippedTrainingFile(dir: string): Promise<string> {
  const { text } = await locateData({ csvPath: process.env.TITANIC_CSV || undefined, repoRoot: REPO_ROOT });
  let flipped = 0;
  const corrupted = text.replace(/^(\d+),([01]),/gm, (_, id: string, survived: string) => {
    flipped++;
    return `${id},${survived === '1' ? '0' : '1'},`;
  });
  if (flipped !== 891) throw new Error(`flipped ${flipped} labels, expected 891`);
  const path = join(dir, 'titanic-flipped.csv');
  await writeFile(path, corrupted);
  return path;
}

describe('promotion through the shadow, on real traffic', () => {
  it('train a worse model → shadow in prod → refused on live evidence → the agreeing one shadowed → promoted with the evidence table', async () => {
    const work = await mkdtemp(join(tmpdir(), 'e2e-shadow-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));

    const platform = await timeline.step(
      `GitHub fake + OCI registry; staging's soak 0s and prod's ${PROD_SOAK} in a reviewed change`,
      async () => {
        const platform = await startPlatform(cleanups, { models: [GOOD] });
        const { registry, seeded, clone } = platform;
        await registry.pushImage('titanic-ml/titanic-inference', seeded.pins.dev!.image);
        const digests = await releaseModelcars(registry, clone.dir, [
          ...new Set([...Object.values(seeded.pins).map((p) => p.model), GOOD]),
        ]);
        // An operator shortens the soaks in a reviewed change (no rendered object changes).
        for (const [env, soak] of [
          ['staging', '0s'],
          ['prod', PROD_SOAK],
        ] as const) {
          const path = join(clone.dir, 'environments', `${env}.yaml`);
          const doc = parseDocument(await readFile(path, 'utf8'));
          doc.setIn(['promotion', 'minimumSoak'], soak);
          await writeFile(path, doc.toString());
        }
        await clone.commitAll(`chore: staging soaks 0s, prod ${PROD_SOAK}`);
        await clone.push();
        return { ...platform, digests };
      },
    );
    const { github, clone, merge, seeded, registry } = platform;
    const served = seeded.pins.prod!.model;

    const prod = await timeline.step('prod serves dist/prod, watched by its own Prometheus', async () => {
      const webhook = await startWebhookReceiver();
      cleanups.push(() => webhook.stop());
      const watched = await startWatchedEnvironments({
        envs: ['prod'],
        checkout: clone.dir,
        dir: work,
        psiWindow: PSI_WINDOW,
        webhookUrl: webhook.url,
        cleanups,
      });
      return watched.prod!;
    });
    // Dev and staging are not served here: the bot reads every environment from prod's Prometheus.
    const ctx: PromoterContext = { ...platform.ctx, prometheus: () => prod.prometheus };

    const worse = await timeline.step(
      'train on the training file with flipped labels; the training PR; CI model-verify; merge; modelcar released',
      async () => {
        const t = await proposeTrainedModel(github, platform.ctx.repo, {
          seed: 10,
          after: seeded.pins.dev!.model,
          csvPath: await flippedTrainingFile(work),
        });
        await merge(t.pull);
        await clone.pull();
        const digests = await releaseModelcars(registry, clone.dir, [t.trained.version]);
        return { version: t.trained.version, digest: digests[t.trained.version]! };
      },
    );

    /** Promotes dev, then staging, to `version`; the bot records a passed verification of each merge. */
    const upstream = async (version: string) => {
      for (const env of ['dev', 'staging']) {
        const r = await promote(ctx, { env, model: version });
        if (r.status !== 'opened') throw new Error(`promote ${env}: ${failures(r.gates).join('; ')}`);
        const sha = await merge(r.pull!.number);
        await recordStatus(platform.ctx, sha, env, 'success', `passed: ${env} runs ${version}`);
      }
      await clone.pull();
    };

    /** Pins `version` as prod's shadow by pull request, merges it, and prod's pod loads it. */
    const shadowed = async (version: string, digest: string) => {
      const r = await promoteShadow(ctx, { env: 'prod', model: version });
      expect(r.status, failures(r.gates).join('; ')).toBe('opened');
      expect(github.pulls.get(r.pull!.number)!.labels).toEqual(['shadow', 'env:prod']);
      await merge(r.pull!.number);
      await prod.sync(clone);
      prod.healthy();
      const env = EnvironmentFile.parse('prod', await clone.read('environments/prod.yaml')).value();
      expect(env.model.version).toBe(served);
      expect(env.model.shadow).toMatchObject({ version, digest });
      const plan = await readDeployment(clone.dir, 'prod');
      expect(plan.modelcars.map((c) => c.image)).toEqual([
        expect.stringMatching(new RegExp(`^${MODELCAR}:${served}@sha256:`)),
        `${MODELCAR}:${version}@${digest}`,
      ]);
      const metrics = await (await fetch(`${prod.deployer.process.url}/metrics`)).text();
      expect(metrics).toContain('titanic_shadow_ready 1');
      expect(metrics).toContain(`titanic_shadow_info{version="${version}"`);
    };

    /**
     * Sends the training passengers to prod until its Prometheus holds at least the minimum of
     * shadowed predictions; returns that minimum and how many passengers were sent.
     */
    const traffic = async (note: (text: string) => void, version: string) => {
      const env = await loadEnvironment('prod', { root: clone.dir });
      const minimum = env.liveQuality.shadow.minPredictions;
      const passengers = await trainingPassengers();
      // A first batch, scraped before the rest: the evidence counts from the first sample Prometheus holds.
      await prod.predict(passengers.slice(0, 100));
      await waitFor(
        `Prometheus to scrape the shadow ${version}'s first predictions`,
        async () =>
          (await prod.prometheus.scalar(
            `sum(titanic_shadow_predictions_total{shadow_version="${version}"})`,
          )) || undefined,
        15_000,
      );
      let sending = true;
      let sent = 100;
      let met = 0;
      const sender = (async () => {
        while (sending) {
          await prod.predict(passengers);
          sent += passengers.length;
        }
      })();
      try {
        // A request that fails ends the wait at once (the sender only returns once told to stop).
        const evidence = await Promise.race([
          waitFor(
            `${minimum} shadowed predictions of ${version} in Prometheus`,
            async () => {
              const e = await shadowEvidence(prod.prometheus, env, version);
              return e.predictions >= minimum ? e : undefined;
            },
            60_000,
          ),
          sender.then(() => Promise.reject(new Error('the traffic stopped early'))),
        ]);
        met = Math.round(evidence.predictions);
      } finally {
        sending = false;
        await sender.catch(() => undefined);
      }
      // Every passenger sent was scored by both models: the pod's own counter reaches `sent`.
      const counted = async () => {
        const metrics = await (await fetch(`${prod.deployer.process.url}/metrics`)).text();
        const m = new RegExp(
          `^titanic_shadow_predictions_total\\{model_version="${served}",shadow_version="${version}"\\} (\\d+)$`,
          'm',
        ).exec(metrics);
        return m ? Number(m[1]) : undefined;
      };
      await waitFor(
        `the pod to count all ${sent} passengers as shadowed`,
        async () => (await counted()) === sent || undefined,
        10_000,
      ).catch(async (err: Error) => {
        throw new Error(`${err.message} (it counts ${await counted()})`);
      });
      note(`${sent} passengers sent, all shadowed by the pod; Prometheus counted ${met} at the check`);
      return { minimum, sent };
    };

    await timeline.step(
      `promote dev, then staging, to ${worse.version}; each merge verified by the bot`,
      () => upstream(worse.version),
    );
    await timeline.step(`pin ${worse.version} as prod's shadow; merge; prod loads it`, async () => {
      // Serving stays with the served model: it cannot be its own shadow.
      const own = await promoteShadow(ctx, { env: 'prod', model: served });
      expect(own.status).toBe('refused');
      expect(gate(own.gates, 'model').detail).toBe(
        `${served} is what prod serves; a shadow must be another version`,
      );
      await shadowed(worse.version, worse.digest);
    });
    await timeline.step(
      `send the training passengers to prod until ${worse.version} has shadowed the minimum`,
      (note) => traffic(note, worse.version),
    );

    await timeline.step(`promote prod to ${worse.version}: refused by the shadow gate alone`, async () => {
      const r = await promote(ctx, { env: 'prod', model: worse.version });
      expect(r.status).toBe('refused');
      const shadow = gate(r.gates, 'shadow');
      console.log(`refused: ${shadow.detail}`);
      // Offline it passes: its cross-validated ROC AUC is no worse than prod's, staging soaked it.
      expect(failures(r.gates).map((f) => f.split(':')[0])).toEqual(['shadow']);
      expect(shadow.detail).toMatch(
        /shadowed predictions \d+ \(≥ \d+\).*; not met: label agreement, mean \|Δp\|, PSI shadow vs served$/,
      );
      expect(r.pull).toBeUndefined();
    });

    await timeline.step(`promote dev, then staging, to ${GOOD}; each merge verified by the bot`, () =>
      upstream(GOOD),
    );
    await timeline.step(`pin ${GOOD} as prod's shadow; merge; prod loads it`, () =>
      shadowed(GOOD, platform.digests[GOOD]!),
    );
    const good = await timeline.step(
      `send the training passengers to prod until ${GOOD} has shadowed the minimum`,
      (note) => traffic(note, GOOD),
    );

    await timeline.step(
      `promote prod to ${GOOD}: admitted, the evidence table in the PR, the shadow pin cleared`,
      async () => {
        const r = await promote(ctx, { env: 'prod', model: GOOD });
        expect(
          r.gates.map((g) => [g.gate, g.ok]),
          failures(r.gates).join('; '),
        ).toEqual([
          ['order', true],
          ['model', true],
          ['image', true],
          ['holds', true],
          ['rollback', true],
          ['shadow', true],
        ]);
        expect(r.status).toBe('opened');
        const body = github.pulls.get(r.pull!.number)!.body!;
        const table = body.slice(body.indexOf('### Shadow evidence'));
        console.log(table);
        expect(table).toMatch(/^### Shadow evidence\n/);
        expect(table).not.toContain('🔴');
        const count = /\| shadowed predictions \| (\d+) \| ≥ (\d+) \| 🟢 \|/.exec(table);
        expect(count, table).not.toBeNull();
        // As many as the minimum, and never more than the pod scored.
        expect(Number(count![2])).toBe(good.minimum);
        expect(Number(count![1])).toBeGreaterThanOrEqual(good.minimum);
        expect(Number(count![1])).toBeLessThanOrEqual(good.sent);
        const pinned = EnvironmentFile.parse(
          'prod',
          (await platform.maintainer.repo.readText(r.branch!, 'environments/prod.yaml'))!,
        ).value();
        expect(pinned.model).toMatchObject({ version: GOOD, digest: platform.digests[GOOD] });
        expect(pinned.model.shadow).toBeUndefined();
        const inference = (await platform.maintainer.repo.readText(r.branch!, 'dist/prod/inference.yaml'))!;
        expect(inference).not.toContain('shadow-modelcar');
        expect(inference).toContain(`${MODELCAR}:${GOOD}@${platform.digests[GOOD]}`);
      },
    );

    await timeline.step('every GitHub request and response matched the OpenAPI description', async () => {
      expect(github.violations).toEqual([]);
    });
  }, 180_000);
});
