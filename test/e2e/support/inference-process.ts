import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../environments/load.ts';

export const INFERENCE_MAIN = join(REPO_ROOT, 'services/inference/src/main.ts');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The real service as a container runs it: its own process, env only, stdout/stderr captured. */
export interface InferenceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout then stderr interleaved as received). */
  output(): string;
  readonly exited: Promise<Exit>;
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

/**
 * Spawns `node --import tsx services/inference/src/main.ts` with exactly `env` (plus PATH/HOME).
 * Resolves once `readyPath` answers 200; rejects with the process output when it exits first.
 */
export async function spawnInference(
  env: Record<string, string>,
  options: { readyPath?: string; timeoutMs?: number; cwd?: string } = {},
): Promise<InferenceProcess> {
  const port = env.PORT;
  if (!port || port === '0') throw new Error('spawnInference needs a fixed PORT (use freePort())');
  const child = spawn(process.execPath, ['--import', 'tsx', INFERENCE_MAIN], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  child.stderr!.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  const proc: InferenceProcess = {
    url,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let early: Exit | undefined;
  exited.then((e) => {
    early = e;
  });
  for (;;) {
    if (early)
      throw new Error(
        `the inference process exited (code ${early.code}) before it was ready:\n${tail(output)}`,
      );
    try {
      const res = await fetch(`${url}${options.readyPath ?? '/v2/health/ready'}`);
      if (res.status === 200) return proc;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop('SIGKILL');
      throw new Error(
        `the inference process was not ready within ${options.timeoutMs ?? 30_000} ms:\n${tail(output)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The last lines of a log, for failure messages. */
export function tail(text: string, lines = 25): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
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
