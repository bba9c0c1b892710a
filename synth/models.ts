import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseModelMetadata } from '@titanic/features';
import { EnvironmentError, environmentFile } from '../environments/load.ts';
import type { Environment } from '../environments/schema.ts';

/**
 * Reads the registry entry an environment pins and checks the pin against it, so a typo in a
 * version or hash fails the synth instead of a rollout.
 */
export interface PinnedModel {
  /** Exact file text, served beside model.onnx. */
  readonly text: string;
  readonly trainingPositiveRate: number;
}

export async function readModelMetadata(root: string, env: Environment): Promise<PinnedModel> {
  const file = environmentFile(env.name);
  const path = `models/${env.model.name}/${env.model.version}/model.json`;
  let text: string;
  try {
    text = await readFile(join(root, path), 'utf8');
  } catch {
    throw new EnvironmentError(file, [
      `model.version: expected a version in the registry, but ${path} does not exist`,
    ]);
  }
  const parsed = parseModelMetadata(text, path);
  if (!parsed.ok) throw new EnvironmentError(file, [`model.version: ${parsed.reason}`]);
  const meta = parsed.meta;
  if (meta.files.onnx.sha256 !== env.model.sha256) {
    throw new EnvironmentError(file, [
      `model.sha256: expected ${meta.files.onnx.sha256} (files.onnx.sha256 of ${path})`,
    ]);
  }
  return { text, trainingPositiveRate: meta.trainingPositiveRate };
}
