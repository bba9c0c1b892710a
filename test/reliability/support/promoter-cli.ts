import { spawn } from 'node:child_process';
import type { Harness } from '@titanic/promoter/test/support/harness.ts';
import { PROMOTER_CLI } from '../../e2e/support/promoter-process.ts';
import { WatchedProcess } from './watched-process.ts';

/**
 * The promoter CLI as its own process against the harness's fake GitHub and registry, watched
 * for progress: its own CPU time and the requests the fake GitHub answered.
 */
export function promoterProcess(
  h: Harness,
  label: string,
  args: readonly string[],
  env: Record<string, string> = {},
): WatchedProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', PROMOTER_CLI, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      GITHUB_TOKEN: h.github.token,
      GITHUB_REPOSITORY: `${h.github.coordinates.owner}/${h.github.coordinates.repo}`,
      GITHUB_API_URL: h.github.url,
      GITHUB_WRITE_PACING_MS: '0',
      REGISTRY_URL: h.registry.url,
      REGISTRY_USERNAME: h.registry.username,
      REGISTRY_PASSWORD: h.registry.password,
      REGISTRY_TOKEN_ORIGINS: h.registry.tokenOrigin,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new WatchedProcess(child, { label, progress: () => h.github.calls.length });
}
