import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Pinned {
  readonly child: ChildProcess;
  readonly url: string;
  /** Resident and peak resident memory in MB (from /proc). */
  memory(): { rssMb: number; peakMb: number };
  /** User + system CPU seconds the process used so far. */
  cpuSeconds(): number;
  stop(): Promise<number | null>;
}

/**
 * Starts `node <script>` (a bundle) pinned to one CPU with taskset (which execs, so the pid is
 * node's) and waits until `readyPath` answers.
 */
export async function startPinned(options: {
  script: string;
  cpu: string;
  env: Record<string, string>;
  /** Options for node before the script (the image's CMD flags). */
  nodeArgs?: readonly string[];
  readyPath: string;
  logFile: string;
}): Promise<Pinned> {
  const port = await freePort();
  const out = openSync(options.logFile, 'w');
  const child = spawn(
    'taskset',
    ['-c', options.cpu, process.execPath, ...(options.nodeArgs ?? []), options.script],
    {
      env: { ...process.env, ...options.env, PORT: String(port) },
      stdio: ['ignore', out, out],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${options.script} exited with ${child.exitCode}; see ${options.logFile}`);
    try {
      const r = await fetch(
        `${url}${options.readyPath}`,
        options.readyPath === '/v1/predict' ? { method: 'OPTIONS' } : {},
      );
      if (r.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${options.script} did not start; see ${options.logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    url,
    memory() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
      return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
    },
    cpuSeconds() {
      return cpuSecondsOf(child.pid!);
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      });
    },
  };
}

/** User + system CPU a process has used, from /proc (0 once it has exited). */
export function cpuSecondsOf(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
