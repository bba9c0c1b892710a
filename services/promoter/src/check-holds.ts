#!/usr/bin/env -S node --import tsx
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadEnvironments } from '@titanic/platform/environments/load.ts';
import { holdViolations } from './holds.ts';

/**
 * The required CI check behind holds: fails when an environment file pins a version that a hold
 * in the same file covers (a promotion merged after the hold, or a hold added without rolling
 * back). Exit 0 clean, 1 with one line per violation.
 */
export async function checkHolds(root?: string): Promise<string[]> {
  const envs = await loadEnvironments(root ? { root } : {});
  return envs.flatMap(holdViolations);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  checkHolds(process.argv[2]).then(
    (problems) => {
      for (const p of problems) process.stderr.write(`hold violated: ${p}\n`);
      if (problems.length === 0) process.stdout.write('holds: no environment pins a held version\n');
      process.exitCode = problems.length === 0 ? 0 : 1;
    },
    (error: Error) => {
      process.stderr.write(`check-holds: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}
