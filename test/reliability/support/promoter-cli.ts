import { spawn } from 'node:child_process';
import { cliEnv } from '@titanic/promoter/test/support/cli-env.ts';
import type { Harness } from '@titanic/promoter/test/support/harness.ts';
import { PROMOTER_CLI } from '../../e2e/support/promoter-process.ts';
import { WatchedProcess } from './watched-process.ts';

const started: WatchedProcess[] = [];

/** Kills every promoter process still running (after a failed test). */
export function stopPromoterProcesses(): void {
  for (const p of started) p.stop();
}

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
    env: { ...cliEnv(h), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watched = new WatchedProcess(child, { label, progress: () => h.github.calls.length });
  started.push(watched);
  return watched;
}
