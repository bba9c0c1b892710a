import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema, PASSENGER, postJson, sample, type TestSchema, waitFor } from '../support.ts';
import { serveThroughProxy } from './tcp-proxy.ts';

let db: TestSchema;
beforeAll(async () => {
  db = await createSchema();
});
afterAll(async () => {
  await db?.drop();
});

describe('prediction log during a database outage', () => {
  it('never fails a prediction; rows written + rows dropped = predictions made', async () => {
    const { proxy, server, close } = await serveThroughProxy(db.name, {
      PREDICTION_LOG_QUEUE_MAX: '200',
      PREDICTION_LOG_BATCH_MAX: '50',
    });
    try {
      const total = 1200;
      let started = 0;
      let completed = 0;
      const statuses = new Map<number, number>();
      const worker = async () => {
        while (started < total) {
          const i = started++;
          const body = i % 5 === 0 ? { passengers: [PASSENGER, { ...PASSENGER, pclass: 1 }] } : PASSENGER;
          const r = await postJson(`${server.url}/v1/predict`, body);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          completed++;
          // Cut the database a quarter in and bring it back after more requests than the queue holds.
          if (completed === 300) proxy.cut();
          if (completed === 900) proxy.restore();
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      expect(Object.fromEntries(statuses)).toEqual({ 200: total });

      let text = '';
      await waitFor(async () => {
        text = await (await fetch(`${server.url}/metrics`)).text();
        return sample(text, 'titanic_prediction_log_queue_depth') === 0;
      }, 30_000);
      const written = sample(text, 'titanic_prediction_log_written_total');
      const dropped = sample(text, 'titanic_prediction_log_dropped_total', 'reason="queue_full"');
      expect(sample(text, 'titanic_prediction_log_flush_errors_total')).toBeGreaterThan(0);
      expect(dropped).toBeGreaterThan(0);
      expect(written).toBeGreaterThan(300);
      expect(written + dropped).toBe(total);
      // Delivery is at least once: a batch whose commit acknowledgement was cut off is written again.
      const rows = Number((await db.pool.query('SELECT count(*) FROM prediction_log')).rows[0].count);
      expect(rows).toBeGreaterThanOrEqual(written);
      expect(rows - written).toBeLessThanOrEqual(50);
    } finally {
      await close();
    }
  });

  it('flushes the queue on stop and counts what it could not write', async () => {
    const { proxy, server } = await serveThroughProxy(db.name, { SHUTDOWN_TIMEOUT_MS: '1500' });
    proxy.cut();
    for (let i = 0; i < 20; i++)
      expect((await postJson(`${server.url}/v1/predict`, PASSENGER)).status).toBe(200);
    const started = Date.now();
    await server.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    const text = await server.metrics.registry.metrics();
    expect(sample(text, 'titanic_prediction_log_dropped_total', 'reason="shutdown"')).toBe(20);
    await proxy.close();
  });
});

describe('feedback during a database outage', () => {
  it('never fails a label it accepts; labels written + dropped = received', async () => {
    const { proxy, server, close } = await serveThroughProxy(db.name, { PREDICTION_LOG_QUEUE_MAX: '100' });
    try {
      const total = 300;
      const ids: string[] = [];
      for (let i = 0; i < total; i++) {
        const r = await postJson(`${server.url}/v1/predict`, PASSENGER, { 'x-request-id': `outage-${i}` });
        ids.push(r.json.requestId);
      }
      proxy.cut();
      const statuses = new Map<number, number>();
      for (const [i, requestId] of ids.entries()) {
        const r = await postJson(`${server.url}/v1/feedback`, { requestId, survived: i % 3 === 0 });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
      expect(Object.fromEntries(statuses)).toEqual({ 200: total });
      proxy.restore();

      let text = '';
      await waitFor(async () => {
        text = await (await fetch(`${server.url}/metrics`)).text();
        return sample(text, 'titanic_feedback_queue_depth') === 0;
      }, 30_000);
      const received = sample(text, 'titanic_feedback_received_total');
      const written = sample(text, 'titanic_feedback_written_total');
      const dropped = sample(text, 'titanic_feedback_dropped_total', 'reason="queue_full"');
      expect(received).toBe(total);
      expect(dropped).toBeGreaterThan(0);
      expect(written).toBeGreaterThan(0);
      expect(written + dropped).toBe(received);
      // A label stored twice (its commit acknowledgement cut off) is one row: the write is idempotent.
      const rows = Number((await db.pool.query('SELECT count(*) FROM prediction_feedback')).rows[0].count);
      expect(rows).toBe(written);
    } finally {
      await close();
    }
  });
});
