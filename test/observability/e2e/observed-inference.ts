import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelMetadataSchema } from '@titanic/features';
import { type RunningInference, startInference } from '@titanic/inference/start.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import pg from 'pg';

const DATABASE = 'postgres://postgres@127.0.0.1:5432/test';

export interface ObservedInference {
  readonly inference: RunningInference;
  /** The pinned model's training positive rate (the prediction-shift baseline). */
  readonly trainingPositiveRate: number;
  stop(): Promise<void>;
}

/**
 * The real inference service on loopback with the model the environment pins, logging into its own
 * schema of the real PostgreSQL (dropped on stop).
 */
export async function startObservedInference(
  env: Environment,
  psiWindow: number,
): Promise<ObservedInference> {
  const schema = `obs_${process.pid}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: DATABASE });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  let inference: RunningInference | undefined;
  const stop = async () => {
    await inference?.stop();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  };
  try {
    inference = await startInference({
      PORT: '0',
      HOST: '127.0.0.1',
      ENVIRONMENT: env.name,
      DATABASE_URL: `${DATABASE}?options=-c%20search_path%3D${schema}`,
      // The model the environment pins, as in the cluster (not whichever the trainer wrote last).
      MODEL_PATH: join('models', env.model.name, env.model.version, 'model.onnx'),
      PSI_WINDOW: String(psiWindow),
      LOG_LEVEL: 'warn',
    });
    await inference.databaseReady;
    const modelJson = join('models', env.model.name, inference.modelVersion, 'model.json');
    const meta = modelMetadataSchema.parse(JSON.parse(await readFile(modelJson, 'utf8')));
    return { inference, trainingPositiveRate: meta.trainingPositiveRate, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
