import { startProxy } from '@titanic/inference/test/db/tcp-proxy.ts';
import {
  createSchema,
  MODEL_PATH,
  PASSENGER,
  sample,
  type TestSchema,
  withSearchPath,
} from '@titanic/inference/test/support.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnInference } from '../e2e/support/inference-process.ts';
import { freePort } from '../e2e/support/ports.ts';
import { recordFigure } from './support/figures.ts';

const OUTAGE_MS = 10_000;
// Smaller than what 10 s of load enqueues on a fast machine, so the drop path is exercised too.
const QUEUE_MAX = 1000;

let schema: TestSchema;
beforeAll(async () => {
  schema = await createSchema();
});
afterAll(async () => {
  await schema?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const p99 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * 0.99) - 1)] ?? 0;

describe('PostgreSQL outage of 10 s in the middle of sustained load (real process, TCP proxy cut)', () => {
  it('fails no prediction; afterwards rows written + rows dropped (by reason) = predictions made', async () => {
    const proxy = await startProxy({ host: '127.0.0.1', port: 5432 });
    const service = await spawnInference({
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      MODEL_PATH,
      DATABASE_URL: withSearchPath(`postgres://postgres@127.0.0.1:${proxy.port}/test`, schema.name),
      ENVIRONMENT: 'dev',
      RATE_LIMIT_RPS: '0',
      LOG_LEVEL: 'warn',
      PREDICTION_LOG_QUEUE_MAX: String(QUEUE_MAX),
      PREDICTION_LOG_FLUSH_MS: '20',
    });
    try {
      const metrics = async () => (await fetch(`${service.url}/metrics`)).text();
      // The log writer starts once the migrations are in; the load starts after that.
      const deadline = Date.now() + 20_000;
      while (!(await schema.pool.query("SELECT to_regclass('prediction_log') AS t")).rows[0].t) {
        if (Date.now() > deadline) throw new Error('the prediction log table never appeared');
        await sleep(100);
      }

      type Phase = 'before' | 'outage' | 'after';
      let phase = 'before' as Phase;
      let running = true;
      const latencies: Record<Phase, number[]> = { before: [], outage: [], after: [] };
      const statuses = new Map<string, number>();
      const client = async () => {
        while (running) {
          const t0 = performance.now();
          const at = phase;
          let key: string;
          try {
            const res = await fetch(`${service.url}/v1/predict`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(PASSENGER),
            });
            await res.arrayBuffer();
            key = String(res.status);
          } catch (err) {
            key = `error: ${String((err as Error).cause ?? err)}`;
          }
          latencies[at].push(performance.now() - t0);
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        }
      };
      const clients = Array.from({ length: 8 }, client);
      await sleep(2000);
      phase = 'outage';
      proxy.cut();
      let maxDepth = 0;
      const outageEnd = Date.now() + OUTAGE_MS;
      while (Date.now() < outageEnd) {
        maxDepth = Math.max(maxDepth, sample(await metrics(), 'titanic_prediction_log_queue_depth'));
        await sleep(500);
      }
      const writtenAtRestore = sample(await metrics(), 'titanic_prediction_log_written_total');
      proxy.restore();
      phase = 'after';
      const restoredAt = performance.now();
      let resumedMs = Number.NaN;
      while (performance.now() - restoredAt < 3000) {
        if (
          Number.isNaN(resumedMs) &&
          sample(await metrics(), 'titanic_prediction_log_written_total') > writtenAtRestore
        )
          resumedMs = performance.now() - restoredAt;
        await sleep(100);
      }
      running = false;
      await Promise.all(clients);

      let text = '';
      const drainDeadline = Date.now() + 30_000;
      for (;;) {
        text = await metrics();
        if (sample(text, 'titanic_prediction_log_queue_depth') === 0) break;
        if (Date.now() > drainDeadline)
          throw new Error('the prediction log queue did not drain within 30 s of recovery');
        await sleep(200);
      }
      const drainedMs = performance.now() - restoredAt;
      expect(resumedMs, 'writes resumed within 3 s of recovery').toBeLessThan(3000);
      const made = statuses.get('200') ?? 0;
      expect(Object.fromEntries(statuses), 'every prediction answered 200').toEqual({ 200: made });
      const written = sample(text, 'titanic_prediction_log_written_total');
      const dropped = Object.fromEntries(
        ['queue_full', 'rejected', 'shutdown'].map((reason) => [
          reason,
          sample(text, 'titanic_prediction_log_dropped_total', `reason="${reason}"`),
        ]),
      );
      const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
      expect(
        written + droppedTotal,
        `written ${written} + dropped ${JSON.stringify(dropped)} vs made ${made}`,
      ).toBe(made);
      expect(latencies.outage.length, 'load continued through the outage').toBeGreaterThan(50);
      expect(sample(text, 'titanic_prediction_log_flush_errors_total')).toBeGreaterThan(0);
      // At-least-once delivery: a batch whose commit acknowledgement was cut may be written twice.
      const rows = Number((await schema.pool.query('SELECT count(*) AS n FROM prediction_log')).rows[0].n);
      expect(rows).toBeGreaterThanOrEqual(written);

      const exit = await service.stop('SIGTERM');
      expect(exit.code).toBe(0);
      recordFigure('postgres-outage', {
        outageSeconds: OUTAGE_MS / 1000,
        predictionsMade: made,
        failedPredictions: made - (statuses.get('200') ?? 0),
        predictionsDuringOutage: latencies.outage.length,
        rowsWritten: written,
        droppedQueueFull: dropped.queue_full!,
        droppedRejected: dropped.rejected!,
        droppedShutdown: dropped.shutdown!,
        rowsInTable: rows,
        maxQueueDepth: maxDepth,
        queueMax: QUEUE_MAX,
        secondsToFirstWriteAfterRecovery: Number((resumedMs / 1000).toFixed(2)),
        secondsToEmptyQueueAfterRecovery: Number((drainedMs / 1000).toFixed(1)),
        p99MsBefore: Number(p99(latencies.before).toFixed(1)),
        p99MsDuringOutage: Number(p99(latencies.outage).toFixed(1)),
        p99MsAfter: Number(p99(latencies.after).toFixed(1)),
      });
    } finally {
      await service.stop('SIGKILL');
      await proxy.close();
    }
  }, 60_000);
});
