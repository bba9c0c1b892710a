import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@titanic/features/checkout';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Every command of the root package.json, as a user types it: `npm run <script> -- <args>`. */
async function npmRun(script: string, ...args: string[]) {
  return run('npm', ['run', '--silent', script, '--', ...args], { cwd: REPO_ROOT, timeout: 60_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
}

// Each starts work only after its arguments parse, so neither case trains, renders or benchmarks.
const COMMANDS = ['train', 'synth', 'policy', 'promoter', 'bench', 'soak'];

describe.each(COMMANDS)('npm run %s', (script) => {
  it('--help prints the usage on stdout and exits 0', async () => {
    const r = await npmRun(script, '--help');
    expect(r.stdout).toMatch(/^usage:/m);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('an unknown flag exits 2 naming it, with the usage on stderr', async () => {
    const r = await npmRun(script, '--no-such-flag');
    expect(r.stderr).toContain("'--no-such-flag'");
    expect(r.stderr).toMatch(/^usage:/m);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });
});
