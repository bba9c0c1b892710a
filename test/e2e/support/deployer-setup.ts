import { createSchema, type TestSchema } from '@titanic/inference/test/support.ts';
import { Deployer } from './deployer.ts';
import { freePort } from './ports.ts';
import type { Cleanups } from './scenario.ts';

/**
 * A deployer for `env` on a free loopback port, its pods writing to a schema of their own on the
 * real PostgreSQL, with a short drift window so a few hundred passengers move the PSI. `secrets`
 * adds Secret values beside the database URL (say, `inference-api-keys/keys`). Whatever it starts
 * is registered in `cleanups`.
 */
export async function deployerWithDatabase(
  env: string,
  psiWindow: number,
  cleanups: Cleanups,
  secrets: Readonly<Record<string, string>> = {},
): Promise<{ deployer: Deployer; schema: TestSchema; port: number }> {
  const schema = await createSchema();
  cleanups.push(() => schema.drop());
  const port = await freePort();
  const deployer = new Deployer({
    env,
    port,
    secrets: { ...secrets, 'inference-database/url': schema.url },
    overrides: { PSI_WINDOW: String(psiWindow), PREDICTION_LOG_FLUSH_MS: '20' },
  });
  cleanups.push(() => deployer.stop());
  return { deployer, schema, port };
}
