import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSchema, MODEL_PATH, PASSENGER, type TestSchema } from '@titanic/inference/test/support.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InferenceProcess, spawnInference } from '../e2e/support/inference-process.ts';
import { freePort } from '../e2e/support/ports.ts';

// Keys shaped like real ones (openssl rand -hex 32): a leak of any part would be findable.
const KEY_ENV = randomBytes(32).toString('hex');
const KEY_FILE = randomBytes(32).toString('hex');
const WRONG_KEY = randomBytes(32).toString('hex');
const DB_PASSWORD = `pw${randomBytes(12).toString('hex')}`;

let dir: string;
let schema: TestSchema;
let service: InferenceProcess;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'security-inference-'));
  schema = await createSchema();
  await writeFile(join(dir, 'keys'), `${KEY_FILE}\n`, { mode: 0o600 });
  // Trust authentication ignores the password, so the URL can carry one to prove it is never logged.
  const url = new URL(schema.url);
  url.password = DB_PASSWORD;
  service = await spawnInference({
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    MODEL_PATH,
    DATABASE_URL: url.toString(),
    API_KEYS: KEY_ENV,
    API_KEYS_FILE: join(dir, 'keys'),
    RATE_LIMIT_RPS: '2',
    RATE_LIMIT_BURST: '4',
    LOG_LEVEL: 'trace',
    ENVIRONMENT: 'dev',
  });
});
afterAll(async () => {
  await service?.stop();
  await schema?.drop();
  await rm(dir, { recursive: true, force: true });
});

const predict = (headers: Record<string, string>, path = '/v1/predict', body: unknown = PASSENGER) =>
  fetch(`${service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('inference service security (real process, keys from env and file)', () => {
  it('enforces API keys on both prediction APIs; health, metadata and metrics stay open', async () => {
    for (const path of ['/v1/predict', '/v2/models/titanic/infer']) {
      expect((await predict({}, path)).status, `${path} without a key`).toBe(401);
      expect(
        (await predict({ authorization: `Bearer ${WRONG_KEY}` }, path)).status,
        `${path} wrong key`,
      ).toBe(401);
      expect(
        (await predict({ authorization: `Basic ${Buffer.from(`u:${KEY_ENV}`).toString('base64')}` }, path))
          .status,
      ).toBe(401);
      expect((await predict({ 'x-api-key': `${KEY_ENV}x` }, path)).status).toBe(401);
    }
    const unauthorized = await predict({});
    expect(unauthorized.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect((await predict({ authorization: `Bearer ${KEY_ENV}` })).status).toBe(200);
    expect((await predict({ 'x-api-key': KEY_FILE })).status).toBe(200);
    for (const path of [
      '/v2/health/live',
      '/v2/health/ready',
      '/v2/models/titanic',
      '/metrics',
      '/openapi.json',
    ])
      expect((await fetch(`${service.url}${path}`)).status, path).toBe(200);
  });

  it('rate-limits each key on its own, with Retry-After', async () => {
    const burst = async (key: string) => {
      // All at once, so a slow machine cannot refill the bucket between them.
      const answers = await Promise.all(Array.from({ length: 8 }, () => predict({ 'x-api-key': key })));
      return answers.map((r) => r.status);
    };
    const first = await burst(KEY_ENV);
    expect(first.filter((s) => s === 429).length).toBeGreaterThanOrEqual(3);
    expect(first.filter((s) => s !== 200 && s !== 429)).toEqual([]);
    // Another client is not slowed down by the first one's bucket.
    const [other] = await burst(KEY_FILE);
    expect(other).toBe(200);
    const limited = await predict({ 'x-api-key': KEY_ENV });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('sends security headers on API answers (200, 401, 404, 429), metrics, the web page and the API reference', async () => {
    // The other key's bucket was emptied above; at 2/s one token is back after 0.5 s.
    await new Promise((r) => setTimeout(r, 700));
    const ok = await predict({ authorization: `Bearer ${KEY_FILE}` });
    let limited: Response | undefined;
    for (let i = 0; i < 10 && limited?.status !== 429; i++) limited = await predict({ 'x-api-key': KEY_ENV });
    const api = [
      ok,
      await predict({}),
      limited!,
      await fetch(`${service.url}/no-such-path`),
      await fetch(`${service.url}/metrics`),
    ];
    expect(api.map((r) => r.status).sort()).toEqual([200, 200, 401, 404, 429].sort());
    for (const res of api) {
      const where = `${new URL(res.url).pathname} (${res.status})`;
      // OWASP REST: no sniffing, nothing may frame or load the answer, no caching of predictions.
      expect(res.headers.get('x-content-type-options'), where).toBe('nosniff');
      expect(res.headers.get('content-security-policy'), where).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-powered-by'), where).toBeNull();
    }
    for (const path of ['/', '/docs']) {
      const res = await fetch(`${service.url}${path}`);
      const h = res.headers;
      expect(res.status, path).toBe(200);
      expect(h.get('x-content-type-options'), path).toBe('nosniff');
      expect(h.get('x-frame-options'), path).toBe('DENY');
      expect(h.get('referrer-policy'), path).toBe('no-referrer');
      // Pages run only their own scripts: no inline or third-party script can be injected.
      expect(h.get('content-security-policy'), path).toMatch(/script-src 'self'(;|$)/);
      expect(h.get('content-security-policy'), path).toMatch(/object-src 'none'/);
    }
  });

  it('never writes an API key or the database password to its logs', async () => {
    // Let the buffered logger flush (it writes at least once a second).
    await new Promise((r) => setTimeout(r, 1500));
    const logs = service.output();
    expect(logs.length).toBeGreaterThan(1000);
    // The requests above were logged (401s and 429s included), so the search has something to search.
    expect(logs).toMatch(/"status":401/);
    expect(logs).toMatch(/"status":429/);
    for (const secret of [KEY_ENV, KEY_FILE, WRONG_KEY, DB_PASSWORD]) {
      expect(logs.includes(secret), 'a secret appears in the logs').toBe(false);
      // Nor any long fragment of it (a key cut by a formatter is still a leak).
      expect(logs.includes(secret.slice(0, 16)), 'a secret prefix appears in the logs').toBe(false);
      expect(logs.includes(secret.slice(-16)), 'a secret suffix appears in the logs').toBe(false);
    }
  });

  it('refuses a bad key configuration without echoing the key', async () => {
    const short = `s${randomBytes(4).toString('hex')}`;
    const failed = await spawnInference({
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      MODEL_PATH,
      API_KEYS: `${KEY_ENV},${short}`,
      LOG_LEVEL: 'trace',
    }).then(
      async (p) => {
        await p.stop();
        return 'started';
      },
      (err: Error) => err.message,
    );
    expect(failed).toMatch(/API_KEYS: every API key must be at least 16 characters/);
    expect(failed).not.toContain(short);
    expect(failed).not.toContain(KEY_ENV);
  });
});
