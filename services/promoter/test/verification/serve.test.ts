import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import type { PromoterContext } from '../../src/context.ts';
import { Repository } from '../../src/github.ts';
import { configuredPrometheusUrl, prometheusFor } from '../../src/verification/config.ts';
import { startVerificationFromEnv } from '../../src/verification/serve.ts';

/** A loopback port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
const githubPort = await closedPort();

/** A context whose GitHub cannot be reached (nothing listens on its port). */
function githubDown(logs: string[]): PromoterContext {
  const client = createClient({
    token: 'ghs_unreachable0123456789',
    owner: 'titanic-ml',
    repo: 'titanic-gitops',
    apiUrl: `http://127.0.0.1:${githubPort}`,
    retryBaseMs: 10,
  });
  return {
    repo: new Repository(client, 'titanic-ml', 'titanic-gitops'),
    registry: {} as PromoterContext['registry'],
    now: () => new Date(),
    log: (line) => logs.push(line),
    prometheus: (e) => prometheusFor(e, {}, false),
  };
}

describe('serve with VERIFY_ENV', () => {
  it('starts while GitHub is down; the verification it runs fails, is logged, and runs again later', async () => {
    const logs: string[] = [];
    const stop = startVerificationFromEnv(githubDown(logs), {
      VERIFY_ENV: 'prod',
      VERIFY_CHECK_MS: '1000',
      PROMETHEUS_URL: 'http://prometheus.titanic-prod.svc:9090/',
    });
    try {
      expect(stop).toBeTypeOf('function');
      expect(logs[0]).toBe('verifying prod every 1 s against http://prometheus.titanic-prod.svc:9090');
      await expect
        .poll(() => logs.filter((l) => l.includes('failed to run')).length, { timeout: 5000 })
        .toBe(2);
      expect(logs[1]).toMatch(/^verification of prod failed to run: .*(ECONNREFUSED|fetch failed)/);
    } finally {
      stop?.();
    }
  });

  it('refuses an unknown environment and a Prometheus URL that is not http(s), naming the variable', () => {
    const ctx = githubDown([]);
    expect(() => startVerificationFromEnv(ctx, { VERIFY_ENV: 'qa' })).toThrow(
      'VERIFY_ENV=qa is not an environment',
    );
    expect(() =>
      startVerificationFromEnv(ctx, { VERIFY_ENV: 'dev', PROMETHEUS_URL_DEV: 'ftp://prometheus' }),
    ).toThrow('PROMETHEUS_URL_DEV=ftp://prometheus is not an http(s) URL');
    expect(() => startVerificationFromEnv(ctx, { VERIFY_ENV: 'dev', VERIFY_CHECK_MS: '10' })).toThrow(
      'VERIFY_CHECK_MS=10 is not a whole number ≥ 1000',
    );
  });
});

describe("an environment's Prometheus", () => {
  const prod = { name: 'prod', namespace: 'titanic-prod' };
  it('is PROMETHEUS_URL_<ENV>, else PROMETHEUS_URL for the environment the process verifies, else its in-cluster Service', () => {
    const vars = { PROMETHEUS_URL: 'http://own:9090', PROMETHEUS_URL_STAGING: 'https://staging.example/' };
    expect(prometheusFor(prod, vars, true).baseUrl).toBe('http://own:9090');
    expect(prometheusFor(prod, vars, false).baseUrl).toBe('http://prometheus.titanic-prod.svc:9090');
    expect(prometheusFor({ name: 'staging', namespace: 'titanic-staging' }, vars, true).baseUrl).toBe(
      'https://staging.example',
    );
    expect(configuredPrometheusUrl('dev', vars, false)).toBeUndefined();
  });
});
