/**
 * Attacks on the process's lifecycle: long idle periods, a second process on the same embedded
 * data, SIGTERM under keep-alive load, a corrupt embedded data directory.
 */

import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  counters,
  expectUpAndAccounted,
  PASSENGER,
  schemaForFile,
  sleep,
  spawnTarget,
  waitFor,
} from './inference-support.ts';

// Each of these starts the embedded database (WebAssembly) one or more times: tens of seconds
// apiece on a busy 2-core machine.
const EMBEDDED_TIMEOUT_MS = 300_000;

const db = schemaForFile();
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'security-lifecycle-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Outcome {
  readonly startedAt: number;
  readonly status?: number;
  readonly connection?: string;
  readonly error?: string;
}

/** POST one passenger over `agent`; never rejects. */
function predictOver(url: string, agent: Agent, body = JSON.stringify(PASSENGER)): Promise<Outcome> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const req = httpRequest(
      `${url}/v1/predict`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ startedAt, status: res.statusCode, connection: String(res.headers.connection) }),
        );
        res.on('error', (err) =>
          resolve({ startedAt, error: (err as NodeJS.ErrnoException).code ?? err.message }),
        );
      },
    );
    req.on('error', (err) =>
      resolve({ startedAt, error: (err as NodeJS.ErrnoException).code ?? err.message }),
    );
    req.end(body);
  });
}

describe('D1: the prediction log keeps writing after idling past every pool and keep-alive timeout', () => {
  const IDLE = {
    // Short timeouts so the test idles past them in seconds; the real mechanisms expire.
    DATABASE_IDLE_TIMEOUT_MS: '300',
    KEEP_ALIVE_TIMEOUT_MS: '300',
    PREDICTION_LOG_FLUSH_MS: '10',
  };
  it.each([
    ['embedded PGlite', () => ({ DATA_DIR: join(dir, 'idle-pglite') })],
    ['PostgreSQL', () => ({ DATABASE_URL: db.schema.url })],
  ])('%s: written = predicted after idle periods', { timeout: EMBEDDED_TIMEOUT_MS }, async (_, database) => {
    const service = await spawnTarget({ ...IDLE, ...database() });
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    try {
      let predicted = 0;
      for (const burst of [1, 3, 2]) {
        for (let i = 0; i < burst; i++) {
          const outcome = await predictOver(service.url, agent);
          expect(outcome.error).toBeUndefined();
          expect(outcome.status).toBe(200);
          predicted++;
        }
        // The first time includes opening the database (the server answers before it is open).
        await waitFor(
          async () => (await counters(`${service.url}/metrics`)).written === predicted,
          predicted === 1 ? 120_000 : 20_000,
        );
        // Longer than the pool's idle timeout, the server's keep-alive timeout and the metrics cache.
        await sleep(1500);
      }
      const c = await counters(`${service.url}/metrics`);
      expect(c.written).toBe(predicted);
      expect(c.flushErrors).toBe(0);
      expect(c.queued).toBe(0);
      await expectUpAndAccounted(service);
    } finally {
      agent.destroy();
      await service.stop();
    }
  });
});

describe('D5: one embedded data directory, one process', () => {
  it(
    'refuses a second process on the same DATA_DIR, naming the directory and the holder',
    async () => {
      const dataDir = join(dir, 'shared');
      const first = await spawnTarget({ DATA_DIR: dataDir });
      try {
        const second = await spawnTarget({ DATA_DIR: dataDir }).then(
          async (p) => {
            await p.stop();
            return 'started';
          },
          (err: Error) => err.message,
        );
        expect(second).toMatch(/exited \(code 1\) before it was ready/);
        expect(second).toContain(`DATA_DIR ${dataDir} is in use by process ${first.child.pid}`);
        await expectUpAndAccounted(first);
      } finally {
        await first.stop();
      }
      // Released on exit: the next process starts.
      const next = await spawnTarget({ DATA_DIR: dataDir });
      // A holder killed without cleanup leaves a stale lock; it is taken over.
      next.child.kill('SIGKILL');
      await next.exited;
      const after = await spawnTarget({ DATA_DIR: dataDir });
      await after.stop();
    },
    EMBEDDED_TIMEOUT_MS,
  );
});

describe('D6: SIGTERM under keep-alive load', () => {
  it('answers every request on reused connections: no reset, Connection: close while draining', async () => {
    const service = await spawnTarget({
      DATABASE_URL: db.schema.url,
      LOG_LEVEL: 'warn',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const outcomes: Outcome[] = [];
    let running = true;
    const client = async () => {
      while (running) {
        const outcome = await predictOver(service.url, agent);
        outcomes.push(outcome);
        // The listener is closed: nothing more to send (in Kubernetes, endpoints are gone by then).
        if (outcome.error === 'ECONNREFUSED') return;
      }
    };
    const clients = Array.from({ length: 16 }, client);
    await sleep(1500);
    const signalledAt = performance.now();
    service.child.kill('SIGTERM');
    const exit = await service.exited;
    running = false;
    await Promise.all(clients);
    agent.destroy();

    expect(exit).toEqual({ code: 0, signal: null });
    const failed = outcomes.filter((o) => o.error !== undefined && o.error !== 'ECONNREFUSED');
    expect(failed, 'requests reset or cut off').toEqual([]);
    expect(outcomes.filter((o) => o.status !== undefined && o.status !== 200)).toEqual([]);
    const before = outcomes.filter((o) => o.startedAt < signalledAt);
    expect(before.every((o) => o.status === 200)).toBe(true);
    expect(before.length, 'the load was sustained').toBeGreaterThan(50);
    // The signal lands some time after `signalledAt` on a busy machine, so which answers were
    // draining is known only from the answers: those that said Connection: close.
    expect(
      outcomes.some((o) => o.connection === 'close'),
      'answers while draining say close',
    ).toBe(true);
    const { rows } = await db.schema.pool.query('SELECT count(*)::int AS n FROM prediction_log');
    expect(rows[0].n).toBeGreaterThanOrEqual(outcomes.filter((o) => o.status === 200).length);
  });
});

describe('D13: a corrupt embedded data directory', () => {
  it(
    'serves without the log (rows counted unavailable), names DATA_DIR once, and recovers when repaired',
    async () => {
      const dataDir = join(dir, 'corrupt');
      // An earlier database whose version file was overwritten.
      const seed = await spawnTarget({ DATA_DIR: dataDir });
      await seed.stop();
      await writeFile(join(dataDir, 'PG_VERSION'), 'garbage\n');
      const service = await spawnTarget({ DATA_DIR: dataDir });
      try {
        const agent = new Agent({ keepAlive: true });
        for (let i = 0; i < 3; i++) expect((await predictOver(service.url, agent)).status).toBe(200);
        await waitFor(async () => (await counters(`${service.url}/metrics`)).dropped.unavailable === 3);
        const errorLines = () =>
          service
            .output()
            .split('\n')
            .filter((l) => l.includes('"level":"error"'));
        // The logger writes at least once a second.
        await waitFor(() => errorLines().length > 0, 10_000);
        const errors = errorLines();
        expect(errors).toHaveLength(1);
        expect(errors[0]).toContain(`DATA_DIR ${dataDir} cannot be opened`);
        expect(errors[0]).toContain('Fix: ');

        // The operator repairs the directory (here: starts it afresh); the service picks it up.
        for (const entry of await readdir(dataDir))
          if (entry !== 'inference.lock') await rm(join(dataDir, entry), { recursive: true, force: true });
        await waitFor(async () => {
          const outcome = await predictOver(service.url, agent);
          expect(outcome.status).toBe(200);
          return (await counters(`${service.url}/metrics`)).written > 0;
        }, 60_000);
        agent.destroy();
        await expectUpAndAccounted(service);
      } finally {
        await service.stop();
      }
    },
    EMBEDDED_TIMEOUT_MS,
  );
});
