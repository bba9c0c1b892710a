import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const PROMTOOL = '/usr/bin/promtool';

/** Runs promtool; fails loudly when it is not installed (CI installs the Debian package). */
export async function promtool(...args: string[]): Promise<string> {
  if (!existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} is missing: apt-get install prometheus`);
  try {
    const { stdout, stderr } = await run(PROMTOOL, args, { timeout: 30_000 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}
