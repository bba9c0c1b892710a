/**
 * Request-level attacks, one row each, against real processes logging to the real PostgreSQL:
 * the answer's status and shape, then (for every target) the process is still up and every
 * prediction it made is written or counted as dropped.
 */

import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import { createSchema, PASSENGER, type TestSchema } from '@titanic/inference/test/support.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InferenceProcess } from '../e2e/support/inference-process.ts';
import { type Answer, counters, expectUpAndAccounted, send, spawnTarget } from './inference-support.ts';

const KEY = randomBytes(32).toString('hex');
const JSON_TYPE = { 'content-type': 'application/json' };
const body = JSON.stringify(PASSENGER);
let F = 0;

/** A row of features in range (the model's input width comes from its metadata). */
const row = (v = 0.5) => Array.from({ length: F }, () => v);
const infer = (data: unknown, shape: number[]) =>
  JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape, data }] });

type Target = 'proxied' | 'direct' | 'keyed';
interface Attack {
  readonly id: string;
  readonly name: string;
  readonly target: Target;
  readonly run: (url: string) => Promise<Answer | Answer[]>;
  readonly expect: (answer: Answer & { all: Answer[] }) => void;
}

/** An ingress stand-in: appends the peer address to X-Forwarded-For, as ingress-nginx does. */
function appendingProxy(target: string): Promise<Server> {
  const upstream = new URL(target);
  const proxy = createServer((req, res) => {
    const xff = [req.headers['x-forwarded-for'], req.socket.remoteAddress].filter(Boolean).join(', ');
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, 'x-forwarded-for': xff },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  return new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(proxy)));
}

const ATTACKS: Attack[] = [
  {
    id: 'D2',
    name: 'spoofed left-most X-Forwarded-For through one trusting proxy hop',
    target: 'proxied',
    run: () =>
      Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          send(`${proxyUrl}/v1/predict`, {
            headers: { ...JSON_TYPE, 'x-forwarded-for': `10.9.${i}.1` },
            body,
          }),
        ),
      ),
    expect: ({ all }) => {
      // Burst 2: the proxy-appended address is the client, whatever it wrote itself.
      expect(all.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(7);
      expect(all.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    },
  },
  {
    id: 'D2',
    name: 'spoofed X-Forwarded-For straight at a service that trusts no proxy',
    target: 'direct',
    run: (url) =>
      Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          send(`${url}/v1/predict`, { headers: { ...JSON_TYPE, 'x-forwarded-for': `10.8.${i}.1` }, body }),
        ),
      ),
    expect: ({ all }) => expect(all.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(7),
  },
  {
    id: 'D3',
    name: 'OIP v2 value above float32 range (1e39)',
    target: 'proxied',
    run: (url) =>
      send(`${url}/v2/models/titanic/infer`, {
        headers: { ...JSON_TYPE, 'x-forwarded-for': '10.3.0.1' },
        // +Infinity and -Infinity meet in the model's sums: NaN without the check.
        body: infer(
          row().map((_, i) => (i % 2 ? -1e39 : 1e39)),
          [1, F],
        ),
      }),
    expect: (a) => {
      expect(a.status).toBe(400);
      expect(a.json.error).toMatch(/data\[0\] is outside the float32 range/);
    },
  },
  {
    id: 'D3',
    name: 'OIP v2 nested value below float32 range (-1e39)',
    target: 'proxied',
    run: (url) =>
      send(`${url}/v2/models/titanic/infer`, {
        headers: { ...JSON_TYPE, 'x-forwarded-for': '10.3.0.2' },
        body: infer([row(), [...row().slice(0, 3), -1e39, ...row().slice(4)]], [2, F]),
      }),
    expect: (a) => {
      expect(a.status).toBe(400);
      expect(a.json.error).toMatch(/data\[1\]\[3\] is outside the float32 range/);
    },
  },
  {
    id: 'D4',
    name: 'OIP v2 ragged nested rows that add up to the shape ([F+1], [F-1])',
    target: 'proxied',
    run: (url) =>
      send(`${url}/v2/models/titanic/infer`, {
        headers: { ...JSON_TYPE, 'x-forwarded-for': '10.4.0.1' },
        body: infer([[...row(), 0.5], row().slice(1)], [2, F]),
      }),
    expect: (a) => {
      expect(a.status).toBe(400);
      expect(a.json.error).toMatch(new RegExp(`data\\[0\\] must be a list of ${F} numbers.*it has ${F + 1}`));
    },
  },
  {
    id: 'D4',
    name: 'OIP v2 nested data with more rows than the shape',
    target: 'proxied',
    run: (url) =>
      send(`${url}/v2/models/titanic/infer`, {
        headers: { ...JSON_TYPE, 'x-forwarded-for': '10.4.0.2' },
        body: infer([row(), row()], [1, F]),
      }),
    expect: (a) => {
      expect(a.status).toBe(400);
      expect(a.json.error).toMatch(/has 2 rows but shape \[1, \d+\] needs 1/);
    },
  },
  ...(['gzip', 'deflate', 'br', 'GZIP'] as const).map(
    (encoding): Attack => ({
      id: 'D10',
      name: `Content-Encoding: ${encoding}`,
      target: 'proxied',
      run: (url) =>
        send(`${url}/v1/predict`, {
          headers: {
            ...JSON_TYPE,
            'content-encoding': encoding,
            'x-forwarded-for': `10.10.0.${encoding.length}`,
          },
          body: encoding === 'deflate' ? deflateSync(body) : gzipSync(body),
        }),
      expect: (a) => {
        expect(a.status).toBe(415);
        expect(a.json.error.code).toBe('unsupported_media_type');
        expect(a.json.error.message).toMatch(/Content-Encoding .* is not supported/);
        // The compressed bytes are not echoed back.
        expect(a.text).not.toMatch(/not valid JSON|\\u00/);
      },
    }),
  ),
  {
    id: 'D10',
    name: 'Content-Encoding: identity is plain JSON',
    target: 'proxied',
    run: (url) =>
      send(`${url}/v1/predict`, {
        headers: { ...JSON_TYPE, 'content-encoding': 'identity', 'x-forwarded-for': '10.10.1.1' },
        body,
      }),
    expect: (a) => expect(a.status).toBe(200),
  },
  {
    id: 'D11',
    name: 'a Basic Authorization header beside a valid X-API-Key',
    target: 'keyed',
    run: (url) =>
      send(`${url}/v1/predict`, {
        headers: { ...JSON_TYPE, authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': KEY },
        body,
      }),
    expect: (a) => expect(a.status).toBe(200),
  },
  {
    id: 'D11',
    name: 'a Basic Authorization header alone is named as the wrong header',
    target: 'keyed',
    run: (url) =>
      send(`${url}/v1/predict`, { headers: { ...JSON_TYPE, authorization: 'Basic dXNlcjpwYXNz' }, body }),
    expect: (a) => {
      expect(a.status).toBe(401);
      expect(a.json.error.message).toMatch(/Authorization header must be "Bearer <key>" \(got Basic\)/);
      expect(a.headers['www-authenticate']).toMatch(/^Bearer /);
    },
  },
  {
    id: 'D11',
    name: 'a Basic Authorization header alone on OIP v2',
    target: 'keyed',
    run: (url) =>
      send(`${url}/v2/models/titanic/infer`, {
        headers: { ...JSON_TYPE, authorization: 'Token abc' },
        body: infer(row(), [1, F]),
      }),
    expect: (a) => {
      expect(a.status).toBe(401);
      expect(a.json.error).toMatch(/Authorization header must be "Bearer <key>" \(got Token\)/);
    },
  },
];

let schema: TestSchema;
let proxy: Server;
let proxyUrl: string;
const targets = {} as Record<Target, InferenceProcess>;

beforeAll(async () => {
  schema = await createSchema();
  const limited = { RATE_LIMIT_RPS: '0.1', RATE_LIMIT_BURST: '2', DATABASE_URL: schema.url };
  [targets.proxied, targets.direct, targets.keyed] = await Promise.all([
    spawnTarget({ ...limited, TRUST_PROXY: 'true', TRUST_PROXY_HOPS: '1' }),
    spawnTarget(limited),
    spawnTarget({ API_KEYS: KEY, DATABASE_URL: schema.url }),
  ]);
  proxy = await appendingProxy(targets.proxied.url);
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const meta = (await (await fetch(`${targets.proxied.url}/v2/models/titanic`)).json()) as {
    inputs: { shape: number[] }[];
  };
  F = meta.inputs[0]!.shape[1]!;
}, 90_000);
afterAll(async () => {
  proxy?.close();
  await Promise.all(Object.values(targets).map((t) => t?.stop()));
  await schema?.drop();
});

describe('request-level attacks on the inference service (real processes, real PostgreSQL)', () => {
  it.each(ATTACKS.map((a) => [`${a.id}: ${a.name}`, a] as const))('%s', async (_, attack) => {
    const answer = await attack.run(targets[attack.target].url);
    const all = Array.isArray(answer) ? answer : [answer];
    attack.expect({ ...all[0]!, all });
  });

  it('D3: no non-finite value reached the probability metrics', async () => {
    const { text } = await counters(`${targets.proxied.url}/metrics`);
    const sum = /^titanic_prediction_probability_sum\{[^}]*\} (\S+)$/m.exec(text);
    expect(sum, 'the probability histogram has samples').not.toBeNull();
    expect(Number.isFinite(Number(sum![1]))).toBe(true);
  });

  it('D8: rate-limited answers are counted, not logged line by line at info', async () => {
    const { text } = await counters(`${targets.direct.url}/metrics`);
    expect(text).toMatch(/http_requests_total\{[^}]*status="429"\} [1-9]/);
    await new Promise((r) => setTimeout(r, 1500)); // the logger writes at least once a second
    expect(targets.direct.output()).toMatch(/"status":200/);
    expect(targets.direct.output()).not.toMatch(/"level":"info"[^\n]*"status":429/);
  });

  it.each(['proxied', 'direct', 'keyed'] as const)(
    '%s target: still up, every prediction written or counted as dropped',
    async (target) => {
      await expectUpAndAccounted(targets[target]);
    },
  );
});
