import { join } from 'node:path';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { type ServiceProcess, spawnService } from './service-process.ts';

export { type Exit, tail } from './service-process.ts';

export const INFERENCE_MAIN = join(REPO_ROOT, 'services/inference/src/main.ts');

export type InferenceProcess = ServiceProcess;

/** `services/inference/src/main.ts` with exactly `env`; resolves once `readyPath` answers 200. */
export function spawnInference(
  env: Record<string, string>,
  options: { readyPath?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<InferenceProcess> {
  return spawnService({
    label: 'the inference process',
    entry: [INFERENCE_MAIN],
    env,
    readyPath: options.readyPath ?? '/v2/health/ready',
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.cwd !== undefined && { cwd: options.cwd }),
  });
}

/** Parses JSON log lines, ignoring the human start-up banner. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text.split('\n').flatMap((l) => {
    if (!l.startsWith('{')) return [];
    try {
      return [JSON.parse(l) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}
