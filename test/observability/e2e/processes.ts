import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** `count` distinct loopback ports that were free a moment ago (the OS picks them; none is fixed). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  // All are held open until every port is known, so the OS cannot hand out the same one twice.
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

export interface RunningProcess {
  readonly name: string;
  /** Whether the process has ended (e.g. its port was taken). */
  exited(): boolean;
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
    exited: () => child.exitCode !== null || child.signalCode !== null,
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
export async function waitReady(proc: RunningProcess, url: string, timeoutMs = 40_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!proc.exited() && Date.now() < deadline) {
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  const why = proc.exited() ? 'exited before it was ready' : `was not ready at ${url} after ${timeoutMs} ms`;
  throw new Error(`${proc.name} ${why}\n--- output ---\n${proc.logs()}`);
}

/**
 * Starts a server on a free loopback port and waits until it is ready; another process may grab
 * the port between choosing and binding it, so a start that exits early is retried on a new port.
 */
export async function startOnFreePort(
  bin: string,
  args: (port: number) => string[],
  readyPath: string,
): Promise<{ proc: RunningProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const [port] = (await freePorts(1)) as [number];
    const proc = startProcess(bin, args(port));
    try {
      await waitReady(proc, `http://127.0.0.1:${port}${readyPath}`);
      return { proc, port };
    } catch (err) {
      const exitedEarly = proc.exited();
      await proc.stop();
      if (!exitedEarly || attempt === 3) throw err;
    }
  }
}
