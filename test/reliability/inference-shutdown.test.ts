import { createSchema, MODEL_PATH, PASSENGER, type TestSchema } from '@titanic/inference/test/support.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnInference } from '../e2e/support/inference-process.ts';
import { freePort } from '../e2e/support/ports.ts';
import { recordFigure } from './support/figures.ts';

let schema: TestSchema;
beforeAll(async () => {
  schema = await createSchema();
});
afterAll(async () => {
  await schema?.drop();
});

interface Outcome {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly status?: number;
  readonly error?: string;
}

describe('SIGTERM during sustained load (real process, real PostgreSQL)', () => {
  it('answers every request sent before the signal, flushes the log and exits 0', async () => {
    const service = await spawnInference({
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      MODEL_PATH,
      DATABASE_URL: schema.url,
      ENVIRONMENT: 'dev',
      RATE_LIMIT_RPS: '0',
      LOG_LEVEL: 'warn',
      // A slow flush keeps rows queued at the moment of the signal: the drain must write them.
      PREDICTION_LOG_FLUSH_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    const outcomes: Outcome[] = [];
    let stop = false;
    const client = async () => {
      while (!stop) {
        const startedAt = performance.now();
        try {
          const res = await fetch(`${service.url}/v1/predict`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ passengers: [PASSENGER, { ...PASSENGER, sex: 'female', pclass: 1 }] }),
          });
          await res.arrayBuffer();
          outcomes.push({ startedAt, endedAt: performance.now(), status: res.status });
        } catch (err) {
          outcomes.push({
            startedAt,
            endedAt: performance.now(),
            error: String((err as Error).cause ?? err),
          });
          // A refused connection means the listener is gone: this client is done.
          if (/ECONNREFUSED/.test(String((err as Error).cause ?? err))) return;
        }
      }
    };
    const clients = Array.from({ length: 16 }, client);
    await new Promise((r) => setTimeout(r, 1500));
    const signalledAt = performance.now();
    service.child.kill('SIGTERM');
    const exit = await service.exited;
    const exitedAt = performance.now();
    stop = true;
    await Promise.all(clients);

    expect(exit).toEqual({ code: 0, signal: null });
    const before = outcomes.filter((o) => o.startedAt < signalledAt);
    const failedBefore = before.filter((o) => o.status !== 200);
    expect(failedBefore, 'requests sent before SIGTERM that did not get 200').toEqual([]);
    const after = outcomes.filter((o) => o.startedAt >= signalledAt);
    // After the signal a client may still be answered (in flight) or find the listener closed; never a 5xx.
    expect(after.filter((o) => o.status !== undefined && o.status !== 200)).toEqual([]);
    const answered = outcomes.filter((o) => o.status === 200).length;
    const { rows } = await schema.pool.query(
      'SELECT count(*)::int AS n, coalesce(sum(passengers), 0)::int AS p FROM prediction_log',
    );
    expect(rows[0].n, 'every answered request is in the prediction log after exit').toBe(answered);
    expect(answered, 'the load was sustained').toBeGreaterThan(20);
    expect(service.output()).not.toMatch(/"level":"(error|fatal)"/);
    recordFigure('sigterm', {
      requestsAnswered: answered,
      requestsBeforeSignal: before.length,
      failedBeforeSignal: failedBefore.length,
      refusedAfterClose: after.filter((o) => o.error && /ECONNREFUSED/.test(o.error)).length,
      resetAfterSignal: after.filter((o) => o.error && !/ECONNREFUSED/.test(o.error)).length,
      rowsLogged: rows[0].n,
      passengersLogged: rows[0].p,
      secondsToExit: Number(((exitedAt - signalledAt) / 1000).toFixed(2)),
      exitCode: exit.code ?? -1,
    });
  });
});
