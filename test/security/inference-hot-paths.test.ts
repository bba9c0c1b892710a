import { randomBytes } from 'node:crypto';
import type { RunningInference } from '@titanic/inference/start.ts';
import { startInference } from '@titanic/inference/start.ts';
import { DriftWindow } from '@titanic/inference/telemetry/drift-window.ts';
import { createSchema, PASSENGER, type TestSchema, testEnv } from '@titanic/inference/test/support.ts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { send } from './inference-support.ts';

/**
 * What floods cost, counted rather than timed: a refused request constructs no error object
 * (an exception's stack capture cost more than the prediction it saves) and a flood of scrapes
 * renders /metrics (and computes the drift index) at most once a second.
 */
const counted = vi.hoisted(() => ({ apiErrors: 0 }));
vi.mock('../../services/inference/src/errors.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('@titanic/inference/errors.ts')>();
  class CountedApiError extends original.ApiError {
    constructor(...args: ConstructorParameters<typeof original.ApiError>) {
      super(...args);
      counted.apiErrors++;
    }
  }
  return { ...original, ApiError: CountedApiError };
});

const KEY = randomBytes(32).toString('hex');
let schema: TestSchema;
let server: RunningInference;
let limited: RunningInference;
beforeAll(async () => {
  schema = await createSchema();
  [server, limited] = await Promise.all([
    startInference(testEnv({ DATABASE_URL: schema.url, API_KEYS: KEY })),
    startInference(testEnv({ DATABASE_URL: schema.url, RATE_LIMIT_RPS: '0.1', RATE_LIMIT_BURST: '1' })),
  ]);
  await Promise.all([server.databaseReady, limited.databaseReady]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), limited?.stop()]);
  await schema?.drop();
});

const body = JSON.stringify(PASSENGER);
interface Refusal {
  readonly status: number;
  readonly name: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}
const REFUSALS: Refusal[] = [
  { status: 401, name: 'no API key', headers: { 'content-type': 'application/json' }, body },
  {
    status: 415,
    name: 'not JSON',
    headers: { 'content-type': 'text/plain', 'x-api-key': KEY },
    body,
  },
  {
    status: 415,
    name: 'gzip encoded',
    headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-api-key': KEY },
    body,
  },
  {
    status: 413,
    name: 'declared length over 1 MB',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body: `{"passengers":[${'0,'.repeat(600_000)}0]}`,
  },
  {
    status: 429,
    name: 'over the rate limit',
    headers: { 'content-type': 'application/json', 'x-api-key': KEY },
    body,
  },
];

describe('D8: refusals on the prediction routes throw nothing', () => {
  it.each(REFUSALS.map((r) => [r.status, r.name, r] as const))(
    '%i %s: no error object',
    async (status, _, r) => {
      const target = status === 429 ? limited : server;
      // The one token of the limited server is spent first.
      if (status === 429)
        expect((await send(`${target.url}/v1/predict`, { headers: r.headers, body })).status).toBe(200);
      counted.apiErrors = 0;
      for (const path of ['/v1/predict', '/v2/models/titanic/infer']) {
        for (let i = 0; i < 20; i++) {
          const answer = await send(`${target.url}${path}`, { headers: r.headers, body: r.body });
          expect(answer.status, `${path} ${r.name}`).toBe(status);
          // Same answer shape as every other error of the API.
          if (path.startsWith('/v2')) expect(typeof answer.json.error).toBe('string');
          else expect(answer.json.error.code).toMatch(/^[a-z_]+$/);
        }
      }
      expect(counted.apiErrors, 'ApiError objects constructed while refusing').toBe(0);
    },
  );
});

describe('D7: a flood of scrapes renders /metrics at most once a second', () => {
  it('computes the drift index once per second however many scrapes arrive', async () => {
    const psi = vi.spyOn(DriftWindow.prototype, 'psi');
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => fetch(`${server.url}/metrics`).then((r) => r.text())),
    );
    const seconds = (performance.now() - started) / 1000;
    expect(answers.every((t) => t.includes('titanic_model_ready 1'))).toBe(true);
    expect(psi.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(psi.mock.calls.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    psi.mockRestore();
  });

  it('does not expose the Node.js version', async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toMatch(/nodejs_version_info|v\d+\.\d+\.\d+/);
  });
});
