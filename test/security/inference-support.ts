import { request as httpRequest } from 'node:http';
import {
  createSchema,
  MODEL_PATH,
  PASSENGER,
  sample,
  type TestSchema,
  waitFor,
} from '@titanic/inference/test/support.ts';
import { afterAll, beforeAll, expect } from 'vitest';
import { type InferenceProcess, spawnInference } from '../e2e/support/inference-process.ts';
import { freePort } from '../e2e/support/ports.ts';

export { MODEL_PATH, PASSENGER, sample, waitFor };

/**
 * The real service in its own process on a free port (rate limit off unless `env` sets it).
 * The embedded database's WebAssembly start takes tens of seconds on a busy 2-core machine.
 */
export async function spawnTarget(env: Record<string, string>): Promise<InferenceProcess> {
  return spawnInference(
    {
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      MODEL_PATH,
      RATE_LIMIT_RPS: '0',
      LOG_LEVEL: 'info',
      ENVIRONMENT: 'dev',
      ...env,
    },
    { timeoutMs: 120_000 },
  );
}

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: the suites assert on the shape
  readonly json: any;
}

/** One raw HTTP request (any header, any bytes), answered or rejected with the socket error. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The service's own counters: what it predicted, wrote and dropped. */
export async function counters(metricsUrl: string) {
  const text = await (await fetch(metricsUrl)).text();
  const dropped = (reason: string) =>
    sample(text, 'titanic_prediction_log_dropped_total', `reason="${reason}"`);
  return {
    text,
    predicted:
      sample(text, 'titanic_request_batch_size_count', 'api="v1"') +
      sample(text, 'titanic_request_batch_size_count', 'api="v2"'),
    written: sample(text, 'titanic_prediction_log_written_total'),
    dropped: {
      queue_full: dropped('queue_full'),
      shutdown: dropped('shutdown'),
      rejected: dropped('rejected'),
      unavailable: dropped('unavailable'),
    },
    flushErrors: sample(text, 'titanic_prediction_log_flush_errors_total'),
    queued: sample(text, 'titanic_prediction_log_queue_depth'),
  };
}

/** The process still answers, and every row it predicted is written or counted as dropped. */
export async function expectUpAndAccounted(service: InferenceProcess, metricsUrl = `${service.url}/metrics`) {
  expect(service.child.exitCode, 'the process is still running').toBeNull();
  expect((await fetch(`${service.url}/v2/health/live`)).status).toBe(200);
  await waitFor(async () => {
    const c = await counters(metricsUrl);
    const dropped = Object.values(c.dropped).reduce((a, b) => a + b, 0);
    return c.written + dropped === c.predicted;
  }, 20_000);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh schema of the real PostgreSQL for one test file, dropped after it. */
export function schemaForFile(): { readonly schema: TestSchema } {
  let schema: TestSchema | undefined;
  beforeAll(async () => {
    schema = await createSchema();
  });
  afterAll(async () => {
    await schema?.drop();
  });
  return {
    get schema() {
      if (!schema) throw new Error('the schema is created before the tests');
      return schema;
    },
  };
}
