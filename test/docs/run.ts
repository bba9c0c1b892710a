import { type ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from './markdown.ts';

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a documented command line in bash from the repository root, as a reader would type it. */
export function runCommand(command: string, env: NodeJS.ProcessEnv = {}, cwd = REPO_ROOT): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Starts a long-running documented command and resolves when its output says `ready`. */
export function startCommand(
  command: string,
  ready: RegExp,
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 60_000,
): Promise<Started> {
  // Its own process group: npm, the shell and node stop together.
  const child = spawn('bash', ['-c', command], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    detached: true,
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const started: Started = {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {}
        await exited;
      }
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void started.stop();
      reject(new Error(`"${command}" did not print ${ready} within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      output += d;
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(started);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`"${command}" exited with ${code} before it was ready:\n${output}`));
    });
  });
}
