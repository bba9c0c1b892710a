import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInference } from '../src/start.ts';
import {
  createSchema,
  MODEL_PATH,
  PASSENGER,
  postJson,
  sample,
  type TestSchema,
  testEnv,
  waitFor,
} from './support.ts';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const KEY = 'test-key-0123456789abcdef';

let db: TestSchema;
let child: ChildProcess | undefined;
beforeAll(async () => {
  db = await createSchema();
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await db?.drop();
});

describe('the server process', () => {
  it('on SIGTERM finishes in-flight requests, flushes the log and exits 0; logs carry ids, never keys', async () => {
    let stdout = '';
    let stderr = '';
    child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        MODEL_PATH,
        DATABASE_URL: db.url,
        API_KEYS: KEY,
        LOG_LEVEL: 'info',
        RATE_LIMIT_RPS: '0',
      },
    });
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    await waitFor(() => /serving on (http:\/\/\S+)/.test(stderr), 30_000);
    const url = /serving on (http:\/\/\S+)/.exec(stderr)![1]!;
    expect(stderr).toContain(`${url}/docs`);
    expect(stderr).toContain(`${url}/metrics`);
    await waitFor(
      async () => (await db.pool.query("SELECT to_regclass('prediction_log') AS t")).rows[0].t !== null,
    );

    const auth = { authorization: `Bearer ${KEY}` };
    const big = { passengers: Array.from({ length: 5000 }, () => PASSENGER) };
    const timed = <T>(p: Promise<T>) => p.then((r) => ({ ...r, at: performance.now() }));
    const small = Array.from({ length: 20 }, (_, i) =>
      timed(postJson(`${url}/v1/predict`, PASSENGER, { ...auth, 'x-request-id': `term-${i}` })),
    );
    const inFlight = [
      ...small,
      ...Array.from({ length: 3 }, () => timed(postJson(`${url}/v1/predict`, big, auth))),
    ];
    // One request whose body is only half sent when the signal lands: in flight however fast the
    // server answers the others.
    const slow = startSlowPost(`${url}/v1/predict`, JSON.stringify(PASSENGER), auth);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    await slow.headersSent;
    // A connection the kernel completed but the server has not yet accepted is reset when the
    // listener closes (in a cluster the preStop pause keeps new connections away by then). Once the
    // small requests are answered, the event loop has accepted every connection opened with them.
    await Promise.all(small);
    await new Promise((r) => setTimeout(r, 100));
    const signalled = performance.now();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    slow.finish();
    const results = await Promise.all([...inFlight, timed(slow.response)]);
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(results.at(-1)!.at).toBeGreaterThan(signalled);
    expect(JSON.parse(results.at(-1)!.text)).toMatchObject({ survived: expect.any(Boolean) });
    expect(await exited).toBe(0);

    const rows = Number((await db.pool.query('SELECT count(*) FROM prediction_log')).rows[0].count);
    expect(rows).toBe(24);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const access = lines.find((l) => l.requestId === 'term-3');
    expect(access).toMatchObject({
      msg: 'request',
      route: '/v1/predict',
      status: 200,
      modelVersion: expect.any(String),
    });
    expect(access.ms).toBeGreaterThan(0);
    expect(lines.at(-1).msg).toBe('stopped');
    expect(stdout + stderr).not.toContain(KEY);
  });

  it('reports not ready as soon as shutdown begins', async () => {
    const server = await startInference(testEnv({ DATABASE_URL: db.url }));
    const stopping = server.stop();
    expect(sample(await server.metrics.registry.metrics(), 'titanic_model_ready')).toBe(0);
    await stopping;
  });
});

/** A POST whose body is sent in two halves: the second only when `finish` is called. */
function startSlowPost(url: string, body: string, headers: Record<string, string>) {
  const half = Math.floor(body.length / 2);
  const req = request(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
  });
  const headersSent = new Promise<void>((resolve) => req.write(body.slice(0, half), () => resolve()));
  return { headersSent, response, finish: () => req.end(body.slice(half)) };
}
