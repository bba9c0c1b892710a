import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSchema, type TestSchema } from '@titanic/inference/test/support.ts';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutWithShadow } from '../image/shadow-checkout.ts';
import { Deployer, type DeploymentPlan, readDeployment } from './support/deployer.ts';
import type { InferenceProcess } from './support/inference-process.ts';
import { freePort } from './support/ports.ts';

let schema: TestSchema;
let checkout: string;
/** A deployer of dev on a free port, its pods logging to the test schema. */
const devDeployer = async () =>
  new Deployer({ env: 'dev', port: await freePort(), secrets: { 'inference-database/url': schema.url } });

/** Deploys dist/dev of `root`, runs `check` against the pod, then stops it and removes `root` unless it is the shared checkout. */
async function withDevPod(
  root: string,
  check: (pod: { plan: DeploymentPlan; proc: InferenceProcess }) => Promise<void>,
): Promise<void> {
  const deployer = await devDeployer();
  try {
    await check(await deployer.deploy(root));
  } finally {
    await deployer.stop();
    if (root !== checkout) await rm(root, { recursive: true, force: true });
  }
}

/** The inference process's metrics, as Prometheus scrapes them. */
const metricsOf = async (url: string) => (await fetch(`${url}/metrics`)).text();

beforeAll(async () => {
  schema = await createSchema();
  checkout = await mkdtemp(join(tmpdir(), 'deployer-checkout-'));
  for (const dir of ['dist', 'models'])
    await cp(join(REPO_ROOT, dir), join(checkout, dir), { recursive: true });
});
afterAll(async () => {
  await schema?.drop();
  await rm(checkout, { recursive: true, force: true });
});

describe('the local deployer', () => {
  it('runs what dist/dev pins: model version, sha256 and environment', async () => {
    await withDevPod(checkout, async ({ plan, proc }) => {
      const meta = (await (await fetch(`${proc.url}/v2/models/titanic`)).json()) as { versions: string[] };
      expect(meta.versions).toEqual([plan.modelVersion]);
      expect(await metricsOf(proc.url)).toContain(
        `titanic_model_info{version="${plan.modelVersion}",sha256="${plan.modelSha256}"`,
      );
      expect(plan.environment).toBe('dev');
      expect(plan.shadowVersion).toBeUndefined();
    });
  });

  it('fails the init container when the modelcar file does not match the pinned sha256', async () => {
    const plan = await readDeployment(checkout, 'dev');
    await writeFile(join(checkout, 'models', 'titanic', plan.modelVersion, 'model.onnx'), 'not a model');
    const deployer = await devDeployer();
    await expect(deployer.deploy(checkout)).rejects.toThrow(/init container modelcar failed: .*FAILED/);
  });

  it("runs the shadow's modelcar step: the shadow dist/dev pins loads beside the served model", async () => {
    const root = await mkdtemp(join(tmpdir(), 'deployer-shadow-'));
    const { shadow } = await checkoutWithShadow(root, 'dev');
    await withDevPod(root, async ({ plan, proc }) => {
      expect(plan.modelcars.map((c) => c.name)).toEqual(['modelcar', 'shadow-modelcar']);
      expect(plan.shadowVersion).toBe(shadow.version);
      const metrics = await metricsOf(proc.url);
      expect(metrics).toContain('titanic_shadow_ready 1');
      expect(metrics).toMatch(new RegExp(`titanic_shadow_info\\{version="${shadow.version}",`));
    });
  });

  it('serves without the shadow when its modelcar file does not match the pinned sha256', async () => {
    const root = await mkdtemp(join(tmpdir(), 'deployer-shadow-'));
    const { shadow } = await checkoutWithShadow(root, 'dev');
    await writeFile(join(root, 'models/titanic', shadow.version, 'model.onnx'), 'not a model');
    await withDevPod(root, async ({ plan, proc }) => {
      expect(plan.shadowVersion).toBe(shadow.version);
      const metrics = await metricsOf(proc.url);
      expect(metrics).toContain('titanic_shadow_configured 1');
      expect(metrics).toContain('titanic_shadow_ready 0');
      expect(metrics).toContain(`titanic_model_info{version="${plan.modelVersion}"`);
    });
  });
});
