import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSchema, type TestSchema } from '@titanic/inference/test/support.ts';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployer, readDeployment } from './support/deployer.ts';
import { freePort } from './support/ports.ts';

let schema: TestSchema;
let checkout: string;

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
    const plan = await readDeployment(checkout, 'dev');
    const deployer = new Deployer({
      env: 'dev',
      port: await freePort(),
      secrets: { 'inference-database/url': schema.url },
    });
    try {
      const { proc } = await deployer.deploy(checkout);
      const meta = (await (await fetch(`${proc.url}/v2/models/titanic`)).json()) as { versions: string[] };
      expect(meta.versions).toEqual([plan.modelVersion]);
      const metrics = await (await fetch(`${proc.url}/metrics`)).text();
      expect(metrics).toContain(
        `titanic_model_info{version="${plan.modelVersion}",sha256="${plan.modelSha256}"`,
      );
      expect(plan.environment).toBe('dev');
    } finally {
      await deployer.stop();
    }
  });

  it('fails the init container when the modelcar file does not match the pinned sha256', async () => {
    const plan = await readDeployment(checkout, 'dev');
    await writeFile(join(checkout, 'models', 'titanic', plan.modelVersion, 'model.onnx'), 'not a model');
    const deployer = new Deployer({
      env: 'dev',
      port: await freePort(),
      secrets: { 'inference-database/url': schema.url },
    });
    await expect(deployer.deploy(checkout)).rejects.toThrow(/init container modelcar failed: .*FAILED/);
  });
});
