import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../environments/load.ts';
import type { Exit } from './inference-process.ts';

export const PROMOTER_CLI = join(REPO_ROOT, 'services/promoter/src/cli.ts');

export interface PromoterProcess {
  /** Base URL of the webhook server, e.g. http://127.0.0.1:40123. */
  readonly url: string;
  output(): string;
  stop(): Promise<Exit>;
}

/**
 * `promoter serve` as its own process (what the promoter Deployment runs), env only.
 * Resolves when /healthz answers; rejects with the output when the process exits first.
 */
export async function spawnPromoterServe(
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<PromoterProcess> {
  if (!env.PORT || env.PORT === '0')
    throw new Error('spawnPromoterServe needs a fixed PORT (use freePort())');
  const child = spawn(process.execPath, ['--import', 'tsx', PROMOTER_CLI, 'serve'], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      HOST: '127.0.0.1',
      ...env,
    },
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
  let early: Exit | undefined;
  exited.then((e) => {
    early = e;
  });
  const url = `http://127.0.0.1:${env.PORT}`;
  const proc: PromoterProcess = {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (early)
      throw new Error(`promoter serve exited (code ${early.code}) before it listened:\n${output.trim()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return proc;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`promoter serve did not answer /healthz within ${timeoutMs} ms:\n${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
