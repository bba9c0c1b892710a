import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv } from './support/cli-env.ts';
import { type Harness, startHarness, V } from './support/harness.ts';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../src/cli.ts');
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: {
        ...cliEnv(h),
        // Soak evidence: the alerts of the upstream environments.
        PROMETHEUS_URL_DEV: h.prometheus.client.baseUrl,
        PROMETHEUS_URL_STAGING: h.prometheus.client.baseUrl,
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('promoter CLI', () => {
  it('promote prints the pull request and the gates; status shows it', async () => {
    const r = await run(['promote', '--env', 'prod']);
    expect(r.stderr).not.toContain(h.github.token);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^opened http:\/\/.*\/pull\/1 \(promote\/prod\//);
    expect(r.stdout).toContain('pass  image');
    const s = await run(['status']);
    expect(s.code).toBe(0);
    const prod = s.stdout.split('\n').find((l) => l.startsWith('prod'))!;
    expect(prod).toContain(V.prodModel);
    expect(prod).toContain('0.850');
    expect(prod).toContain(`#1 promote(prod): titanic ${V.good}, image 1.1.0`);
  });

  it('verify fails loudly when Prometheus cannot be asked, and writes nothing to GitHub then', async () => {
    const before = h.github.statuses.statuses.length;
    const r = await run(['verify', '--env', 'dev', '--force'], { PROMETHEUS_URL_DEV: 'http://127.0.0.1:1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Prometheus at http://127.0.0.1:1 cannot be reached');
    expect(h.github.statuses.statuses.length).toBe(before);
    const usage = await run(['verify', '--env', 'dev', '--commit', 'abc']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--commit abc is not a full commit sha');
  });

  it('refused gates exit 1, usage errors exit 2, and a bad token is never printed', async () => {
    const refused = await run(['promote', '--env', 'dev', '--image', '9.9.9', '--model', V.next]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('FAIL  image');
    expect((await run(['promote', '--env', 'qa'])).code).toBe(2);
    const secret = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
    const bad = await run(['status'], { GITHUB_TOKEN: secret });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('GitHub API 401');
    expect(bad.stderr + bad.stdout).not.toContain(secret);
    expect(bad.stderr + bad.stdout).not.toContain(secret.slice(4, 20));
  });
});

describe('promoter serve', () => {
  it('listens on PORT, serves /metrics and rejects a wrong bearer token', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        PORT: '0',
        METRICS_PORT: '0',
        HOST: '127.0.0.1',
        WEBHOOK_SECRET: 'a-webhook-secret-of-some-length',
        GITHUB_TOKEN: h.github.token,
        GITHUB_REPOSITORY: 'titanic-ml/titanic-gitops',
        GITHUB_API_URL: h.github.url,
      },
    });
    try {
      const [port, metricsPort] = await new Promise<[string, string]>((resolve, reject) => {
        let err = '';
        child.stderr.on('data', (c: Buffer) => {
          err += c.toString();
          const m = /listening on :(\d+)/.exec(err);
          const metrics = /metrics on :(\d+)/.exec(err);
          if (m && metrics) resolve([m[1]!, metrics[1]!]);
        });
        child.on('exit', () => reject(new Error(`serve exited: ${err}`)));
      });
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toContain('promoter_webhook_requests_total');
      // The webhook port serves the webhook and a health check, nothing internal.
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(404);
      const denied = await fetch(`http://127.0.0.1:${port}/hooks/alertmanager`, {
        method: 'POST',
        headers: { authorization: 'Bearer nope' },
        body: '{}',
      });
      expect(denied.status).toBe(401);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
  });
});
