import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { PredictionLog } from '../../src/db/prediction-log.ts';
import { Metrics } from '../../src/telemetry/metrics.ts';
import { createSchema, PASSENGER, postJson, type TestSchema, waitFor } from '../support.ts';
import { serveThroughProxy } from './tcp-proxy.ts';

let db: TestSchema;
beforeAll(async () => {
  db = await createSchema();
});
afterAll(async () => {
  await db?.drop();
});

const logged = async (requestId: string) =>
  Number(
    (await db.pool.query('SELECT count(*) FROM prediction_log WHERE request_id = $1', [requestId])).rows[0]
      .count,
  );

describe('prediction log statements', () => {
  it('send each row within milliseconds into a statement that stays open, and commit the rows together', async () => {
    // One statement stays open for up to 3 s: long enough to see rows arrive before it commits.
    const { proxy, server, close } = await serveThroughProxy(db.name, { PREDICTION_LOG_FLUSH_MS: '3000' });
    try {
      const first = await postJson(`${server.url}/v1/predict`, PASSENGER, { 'x-request-id': 'stream-first' });
      expect(first.status).toBe(200);
      const sentAt = Date.now();
      await waitFor(() => proxy.sent().includes('stream-first'), 1000);
      const arrivedMs = Date.now() - sentAt;
      const second = await postJson(`${server.url}/v1/predict`, PASSENGER, {
        'x-request-id': 'stream-second',
      });
      expect(second.status).toBe(200);
      await waitFor(() => proxy.sent().includes('stream-second'), 1000);
      // Both rows are at the database, inside one COPY that has not committed yet.
      expect(arrivedMs).toBeLessThan(500);
      expect(await logged('stream-first')).toBe(0);
      expect(proxy.sent().match(/COPY prediction_log/g)?.length).toBe(1);

      await waitFor(async () => (await logged('stream-first')) === 1, 10_000);
      expect(await logged('stream-second')).toBe(1);
    } finally {
      await close();
    }
  });

  it('retries a lost database with backoff however many rows arrive meanwhile', async () => {
    // Ten rows make a full statement: every request then asks for an immediate write.
    const { proxy, server, close } = await serveThroughProxy(db.name, { PREDICTION_LOG_BATCH_MAX: '10' });
    try {
      proxy.cut();
      const before = proxy.connections();
      const until = Date.now() + 2000;
      let answered = 0;
      while (Date.now() < until) {
        const r = await postJson(`${server.url}/v1/predict`, PASSENGER);
        expect(r.status).toBe(200);
        answered++;
      }
      // Backoff 100, 200, 400, 800 ms…: a handful of attempts in 2 s, not one per request.
      expect(answered).toBeGreaterThan(100);
      expect(proxy.connections() - before).toBeLessThanOrEqual(8);
    } finally {
      await close();
    }
  });
});

describe('a row PostgreSQL refuses', () => {
  it('is counted as dropped (rejected) and the rows around it are written', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    await migrate(pool);
    const metrics = new Metrics();
    const log = new PredictionLog({
      metrics,
      logger: pino({ level: 'silent' }),
      environment: 'test',
      modelVersion: 'v',
      imageVersion: 'i',
      threshold: 0.5,
      maxRows: 100,
      maxBytes: 1 << 20,
      batchMax: 100,
      flushMs: 50,
      copy: true,
    });
    const entry = (requestId: string, input: string) => ({
      requestId,
      at: Date.now(),
      api: 'v1' as const,
      passengers: 1,
      input,
      probabilities: Float32Array.of(0.25),
      latencyMs: 1,
    });
    try {
      log.enqueue(entry('before-bad', JSON.stringify([PASSENGER])));
      // Not JSON: json's input check refuses it as data (class 22), so a retry would fail again.
      log.enqueue(entry('bad', '[{"pclass": 3'));
      log.enqueue(entry('after-bad', JSON.stringify([PASSENGER])));
      log.start(pool);
      const counted = async () =>
        (await metrics.logDropped.get()).values.find((v) => v.labels.reason === 'rejected')?.value ?? 0;
      await waitFor(async () => (await counted()) === 1 && (await logged('after-bad')) === 1, 10_000);
      expect(await logged('before-bad')).toBe(1);
      expect(await logged('bad')).toBe(0);
      expect((await metrics.logWritten.get()).values[0]?.value).toBe(2);
    } finally {
      await log.close(1000);
      await pool.end();
    }
  });
});
