import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** A loopback port that was free a moment ago (the OS picks it; nothing here is fixed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  readonly name: string;
  /** The last lines the process wrote, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

/** Starts a real binary; fails loudly when the Debian package is not installed. */
export function startProcess(bin: string, args: string[]): RunningProcess {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: install the Debian package (see .ci/run)`);
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name: bin,
    logs: () => lines.slice(-40).join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls until `check` resolves truthy, or fails with what was last seen. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Waits for an HTTP endpoint to answer 200 (Prometheus and Alertmanager expose /-/ready). */
export function waitReady(proc: RunningProcess, url: string, timeoutMs = 20_000): Promise<true> {
  return waitFor(`${url}`, async () => (await fetch(url)).ok || undefined, timeoutMs).catch((err) => {
    throw new Error(`${(err as Error).message}\n--- ${proc.name} output ---\n${proc.logs()}`);
  });
}
