import { type EntryProblem, readModelEntry } from '@titanic/features';
import { EnvironmentError, environmentFile } from '../environments/load.ts';
import type { Environment } from '../environments/schema.ts';

/** The registry entry an environment pins, as the charts use it. */
export interface PinnedModel {
  /** Exact file text, served beside model.onnx. */
  readonly text: string;
  readonly trainingPositiveRate: number;
}

/** The environment key a refused entry points at: the pinned hash, or the version itself. */
const KEY: Record<EntryProblem, string> = {
  missing: 'model.version',
  invalid: 'model.version',
  'onnx-missing': 'model.version',
  'onnx-mismatch': 'model.version',
  'pin-mismatch': 'model.sha256',
};

/**
 * Reads and verifies the registry entry an environment pins, so a typo in a version or hash, or a
 * damaged entry, fails the synth instead of a rollout.
 */
export async function readModelMetadata(root: string, env: Environment): Promise<PinnedModel> {
  // model.onnx itself is checked where it is served (the modelcar init step and the server): a
  // promotion renders from a checkout that carries only model.json.
  const entry = await readModelEntry(root, env.model.name, env.model.version, {
    expectedSha256: env.model.sha256,
    verifyOnnx: false,
  });
  if (!entry.ok) {
    const hint = entry.problem === 'missing' ? 'expected a version in the registry, but ' : '';
    throw new EnvironmentError(environmentFile(env.name), [`${KEY[entry.problem]}: ${hint}${entry.reason}`]);
  }
  return { text: entry.text, trainingPositiveRate: entry.meta.trainingPositiveRate };
}
