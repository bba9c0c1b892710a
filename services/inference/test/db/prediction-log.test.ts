import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
