import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelMetadataSchema } from '@titanic/features';
import { loadEnvironment } from '@titanic/platform/environments/load.ts';
import { promote } from '@titanic/promoter/promote.ts';
import { describe, expect, it } from 'vitest';
import { startMonitoringStack } from '../observability/e2e/monitoring-stack.ts';
import { waitFor } from '../observability/e2e/processes.ts';
import { skewedPassengers, trainingPassengers } from '../observability/e2e/traffic.ts';
import { type DeploymentPlan, readDeployment } from './support/deployer.ts';
import { deployerWithDatabase } from './support/deployer-setup.ts';
import { startPlatform } from './support/platform.ts';
import { freePort } from './support/ports.ts';
import { readPromoterDeployment, startPromoterFromManifest } from './support/promoter-deployment.ts';
import { scenario } from './support/scenario.ts';
import { proposeTrainedModel, releaseModelcars } from './support/training-pull.ts';

const ENV = 'dev';
const PSI_WINDOW = 200;
const WEBHOOK_SECRET = `whs-${randomBytes(16).toString('hex')}`;
const appKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();
const { timeline, cleanups } = scenario('the GitOps loop, end to end', 11);

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${new URL(url).pathname} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

async function getJson(url: string) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${new URL(url).pathname} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

describe('the GitOps loop', () => {
  it('train → promote → merge → deploy → serve → drift alert → rollback PR → merge → previous model → held', async () => {
    const env = await loadEnvironment(ENV);
    const work = await mkdtemp(join(tmpdir(), 'e2e-loop-'));
    cleanups.push(() => rm(work, { recursive: true, force: true }));

    // ── 1. the platform: a GitHub-compatible server over a real git repo, a real OCI registry
    const { github, registry, ctx, merge, clone, seeded } = await timeline.step(
      'start GitHub fake + OCI registry, seed the repo',
      async () => {
        // The GitHub App of environments/dev.yaml, with a key made for this run.
        const platform = await startPlatform(cleanups, {
          app: {
            id: env.promoter.githubApp.appId,
            installationId: env.promoter.githubApp.installationId,
            publicKey: createPublicKey(appKey),
          },
        });
        await platform.registry.pushImage('titanic-ml/titanic-inference', platform.seeded.pins[ENV]!.image);
        return platform;
      },
    );
    const previous = seeded.pins[ENV]!.model;

    // ── 2. the train workflow opens the model's pull request; CI re-derives it; a maintainer merges
    const trained = await timeline.step(
      'train a new model version (quick search); merge its PR',
      async () => {
        const { trained, pull } = await proposeTrainedModel(github, ctx.repo, { seed: 7, after: previous });
        await merge(pull);
        await clone.pull();
        // The release workflow pushes the modelcar image of every registered version.
        await releaseModelcars(registry, clone.dir, [previous, trained.version]);
        return trained;
      },
    );

    // ── 3. promotion PR to dev, merged through the API
    const promoted = await timeline.step('promoter opens the promotion PR to dev; merge it', async () => {
      const r = await promote(ctx, { env: ENV, model: trained.version });
      const failed = r.gates.filter((g) => !g.ok).map((g) => `${g.gate}: ${g.detail}`);
      if (r.status !== 'opened')
        throw new Error(`promote answered ${r.status}${failed.length ? ` (${failed.join('; ')})` : ''}`);
      const pr = github.pulls.get(r.pull!.number);
      expect(pr?.labels).toEqual(expect.arrayContaining(['promotion', `env:${ENV}`]));
      return { pull: r.pull!.number, merge: await merge(r.pull!.number) };
    });

    // ── 4. dist/dev on the merged main pins the new version
    await timeline.step('dist/dev on main pins the new version and sha256', async () => {
      await clone.pull();
      const head = await clone.run(['rev-parse', 'HEAD']);
      if (head !== promoted.merge)
        throw new Error(`main is at ${head}, expected the merge commit ${promoted.merge}`);
      const plan = await readDeployment(clone.dir, ENV);
      expect({ version: plan.modelVersion, sha256: plan.modelSha256, environment: plan.environment }).toEqual(
        {
          version: trained.version,
          sha256: trained.onnxSha256,
          environment: ENV,
        },
      );
      return plan;
    });

    // ── 5. the deployer runs what dist/dev says, against the real PostgreSQL
    const { deployer, schema, port } = await deployerWithDatabase(ENV, PSI_WINDOW, cleanups);
    const base = await timeline.step('deployer starts the service from the rendered Deployment', async () => {
      const { proc } = await deployer.deploy(clone.dir);
      return proc.url;
    });

    // ── 6. both APIs answer with the new model and every request is logged
    await timeline.step('friendly API and OIP v2 answer; requests are logged in PostgreSQL', async () => {
      const one = await postJson(
        `${base}/v1/predict`,
        { pclass: 1, sex: 'female', age: 30, sibsp: 0, parch: 0, fare: 80, embarked: 'C' },
        { 'x-request-id': 'e2e-loop-1' },
      );
      expect(one.model).toEqual({ name: 'titanic', version: trained.version });
      expect(one.survived).toBe(true);
      const meta = await getJson(`${base}/v2/models/titanic`);
      expect(meta.versions).toEqual([trained.version]);
      const features = meta.inputs[0].shape[1] as number;
      const oip = await postJson(`${base}/v2/models/titanic/infer`, {
        inputs: [
          {
            name: meta.inputs[0].name,
            datatype: 'FP32',
            shape: [1, features],
            data: Array(features).fill(0),
          },
        ],
      });
      expect(oip.model_version).toBe(trained.version);
      // Normal traffic: the training passengers, as the service would see them.
      const passengers = await trainingPassengers();
      for (let i = 0; i < passengers.length; i += 100)
        await postJson(`${base}/v1/predict`, { passengers: passengers.slice(i, i + 100) });
      const requests = 2 + Math.ceil(passengers.length / 100);
      await waitFor(
        `${requests} prediction log rows`,
        async () =>
          Number((await schema.pool.query('SELECT count(*) AS n FROM prediction_log')).rows[0].n) >=
            requests || undefined,
        10_000,
      );
      const { rows } = await schema.pool.query(
        "SELECT model_version, environment, api FROM prediction_log WHERE request_id = 'e2e-loop-1'",
      );
      expect(rows).toEqual([{ model_version: trained.version, environment: ENV, api: 'v1' }]);
      const v2 = await schema.pool.query("SELECT count(*)::int AS n FROM prediction_log WHERE api = 'v2'");
      expect(v2.rows[0].n, 'the OIP v2 request is logged').toBe(1);
    });

    // ── 7. `promoter serve` (its own process), Alertmanager and Prometheus with the generated rules
    const { api, promoter, alertmanager, pager } = await timeline.step(
      'start promoter serve, Alertmanager, Prometheus with generated rules',
      async () => {
        const tokenFile = join(work, 'webhook-secret');
        await writeFile(tokenFile, WEBHOOK_SECRET, { mode: 0o600 });
        // The promoter exactly as dist/dev/promoter.yaml runs it: command, args, env, Secret files.
        const plan = await readPromoterDeployment(clone.dir, ENV);
        const promoter = await startPromoterFromManifest(plan, {
          root: join(work, 'promoter-pod'),
          secrets: {
            'promoter-github-app/private-key.pem': appKey,
            'promoter-webhook-token/token': WEBHOOK_SECRET,
          },
          overrides: {
            PORT: String(await freePort()),
            HOST: '127.0.0.1',
            GITHUB_API_URL: github.url,
            GITHUB_WRITE_PACING_MS: '0',
            REGISTRY_URL: registry.url,
            REGISTRY_USERNAME: registry.username,
            REGISTRY_PASSWORD: registry.password,
          },
        });
        cleanups.push(() => promoter.stop());
        const hook = `${promoter.url}/hooks/alertmanager`;
        const meta = modelMetadataSchema.parse(
          JSON.parse(
            await readFile(join(clone.dir, 'models/titanic', trained.version, 'model.json'), 'utf8'),
          ),
        );
        const stack = await startMonitoringStack({
          dir: work,
          env,
          inference: `127.0.0.1:${port}`,
          webhookUrl: hook,
          credentialsFile: tokenFile,
          trainingPositiveRate: meta.trainingPositiveRate,
        });
        cleanups.push(() => stack.stop());
        const { api, alertmanager, pager } = stack;
        return { api, promoter, alertmanager, pager };
      },
    );

    // ── 8. skewed traffic → drift alert → Alertmanager → promoter → rollback PR with a hold
    const rollbackPull = await timeline.step(
      'skewed traffic fires the drift alert; the promoter opens a rollback PR',
      async () => {
        const skewed = skewedPassengers(PSI_WINDOW);
        await postJson(`${base}/v1/predict`, { passengers: skewed });
        await waitFor(
          'ModelFeatureDrift to fire in Prometheus',
          async () =>
            (await api.alerts()).some(
              (a) => a.labels.alertname === 'ModelFeatureDrift' && a.state === 'firing',
            ) || undefined,
          30_000,
        );
        const pull = await waitFor(
          'a rollback pull request opened by the Alertmanager webhook',
          async () =>
            (await ctx.repo.openPulls()).find(
              (p) => p.labels.includes('rollback') && p.labels.includes(`env:${ENV}`),
            ),
          20_000,
        );
        expect(pull.title).toBe(
          `Revert "promote(${ENV}): titanic ${trained.version}, image ${seeded.pins[ENV]!.image}"`,
        );
        // The alert summary is commented right after the pull request is opened.
        await waitFor(
          'the alert comment on the rollback pull request',
          async () =>
            (await ctx.repo.comments(pull.number)).some((c) => c.includes('ModelFeatureDrift')) || undefined,
          10_000,
        );
        // The promoter wrote as the GitHub App (an installation token minted from its key), and the
        // routing tree paged the human receiver for the same alert.
        expect(github.mintedTokens).toBeGreaterThanOrEqual(1);
        await waitFor(
          'the human pager to receive the drift alert',
          async () => pager.pages.some((p) => p.alertname === 'ModelFeatureDrift') || undefined,
          10_000,
        );
        return pull.number;
      },
    );

    // ── 9. merge the rollback: dist/dev pins the previous model again, with a hold on the new one
    const rolledBack: DeploymentPlan = await timeline.step(
      'merge the rollback PR; dist/dev pins the previous model',
      async () => {
        await merge(rollbackPull);
        await clone.pull();
        const plan = await readDeployment(clone.dir, ENV);
        expect(plan.modelVersion).toBe(previous);
        expect(plan.modelSha256).not.toBe(trained.onnxSha256);
        const restored = await loadEnvironment(ENV, { root: clone.dir });
        expect(restored.promotion.holds.map((h) => h.model)).toContain(trained.version);
        return plan;
      },
    );

    // ── 10. the deployer restarts the pod, which serves the previous model
    await timeline.step('deployer restarts the service; it serves the previous model', async () => {
      const { proc, replaced } = await deployer.deploy(clone.dir);
      expect(replaced, 'the pod of the new model stops gracefully on SIGTERM').toEqual({
        code: 0,
        signal: null,
      });
      const meta = await getJson(`${proc.url}/v2/models/titanic`);
      expect(meta.versions).toEqual([previous]);
      const metrics = await (await fetch(`${proc.url}/metrics`)).text();
      expect(metrics).toContain(
        `titanic_model_info{version="${previous}",sha256="${rolledBack.modelSha256}"`,
      );
      await waitFor(
        'Prometheus to see titanic_model_info of the previous model',
        async () =>
          ((await api.query(`titanic_model_info{version="${previous}"}`)).data?.result.length ?? 0) > 0 ||
          undefined,
        10_000,
      );
    });

    // ── 11. the held version cannot come back by automation
    await timeline.step('promote of the held version is refused', async () => {
      const again = await promote(ctx, { env: ENV, model: trained.version });
      expect(again.status).toBe('refused');
      const holds = again.gates.find((g) => g.gate === 'holds');
      expect(holds?.ok).toBe(false);
      expect(holds?.detail).toContain(`model ${trained.version} held`);
      expect(holds?.detail).toContain('ModelFeatureDrift');
    });
    expect(github.violations).toEqual([]);
    // The shared secret travelled Alertmanager → promoter on every delivery; no process printed it.
    const outputs = {
      'promoter serve': promoter.output(),
      alertmanager: alertmanager.logs(),
      inference: deployer.process.output(),
    };
    for (const [name, text] of Object.entries(outputs)) {
      expect(text.includes(WEBHOOK_SECRET), `${name} printed the webhook secret`).toBe(false);
      expect(text.includes(github.token), `${name} printed the GitHub token`).toBe(false);
    }
  }, 150_000);
});
