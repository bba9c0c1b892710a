import { type ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A server of this repository in its own process, as a container runs it: env only, output captured. */
export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout and stderr interleaved as received). */
  output(): string;
  readonly exited: Promise<Exit>;
  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

export interface SpawnServiceOptions {
  /** Name used in failure messages, e.g. "the inference process". */
  readonly label: string;
  /** TypeScript entry point and its arguments. */
  readonly entry: readonly string[];
  /** Exactly the process environment (plus PATH and HOME); must carry a fixed PORT. */
  readonly env: Record<string, string>;
  /** Path that answers 200 once the server is ready. */
  readonly readyPath: string;
  readonly timeoutMs?: number;
  readonly cwd?: string;
  readonly defaultGraceMs?: number;
}

/**
 * Spawns `node --import tsx <entry…>` and resolves once `readyPath` answers 200; rejects with the
 * tail of the process output when it exits first or is not ready in time.
 */
export async function spawnService(options: SpawnServiceOptions): Promise<ServiceProcess> {
  const { label, env } = options;
  if (!env.PORT || env.PORT === '0') throw new Error(`${label} needs a fixed PORT (use freePort())`);
  const child = spawn(process.execPath, ['--import', 'tsx', ...options.entry], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (c: Buffer) => {
    output += c.toString('utf8');
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let early: Exit | undefined;
  exited.then((e) => {
    early = e;
  });
  const url = `http://127.0.0.1:${env.PORT}`;
  const proc: ServiceProcess = {
    url,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM', graceMs = options.defaultGraceMs ?? 15_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (early) throw new Error(`${label} exited (code ${early.code}) before it was ready:\n${tail(output)}`);
    try {
      if ((await fetch(`${url}${options.readyPath}`)).status === 200) return proc;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop('SIGKILL');
      throw new Error(`${label} was not ready within ${timeoutMs} ms:\n${tail(output)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The last lines of a log, for failure messages. */
export function tail(text: string, lines = 25): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
