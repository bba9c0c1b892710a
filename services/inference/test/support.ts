import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { newestModelPath } from '../src/model/registry.ts';
import { type RunningInference, startInference } from '../src/start.ts';

/** The model under test: the newest in the registry (TEST_MODEL_PATH overrides while developing). */
export const MODEL_PATH = process.env.TEST_MODEL_PATH || newestModelPath();

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

export const PASSENGER = { pclass: 3, sex: 'male', age: 22, sibsp: 1, parch: 0, fare: 7.25, embarked: 'S' };
/** A first-class woman from Cherbourg: a high survival probability. */
export const FIRST_CLASS_WOMAN = {
  pclass: 1,
  sex: 'female',
  age: 38,
  sibsp: 1,
  parch: 0,
  fare: 71.28,
  embarked: 'C',
};
/** A boy (title Master) whose age, fare and port are unknown: the imputed-feature path. */
export const UNKNOWN_BOY = {
  pclass: 2,
  sex: 'male',
  age: null,
  sibsp: 0,
  parch: 0,
  fare: null,
  embarked: null,
  name: 'Doe, Master. J',
};

export interface TestSchema {
  /** DATABASE_URL whose search_path is the fresh schema. */
  readonly url: string;
  readonly name: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

/** A fresh schema in the real PostgreSQL; fails loudly when the server is not there. */
export async function createSchema(): Promise<TestSchema> {
  const name = `inference_test_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
  try {
    await admin.query(`CREATE SCHEMA ${name}`);
  } catch (err) {
    await admin.end();
    throw new Error(`PostgreSQL at ${POSTGRES_URL} is required for this test: ${(err as Error).message}`);
  }
  const url = withSearchPath(POSTGRES_URL, name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    url,
    name,
    pool,
    async drop() {
      await pool.end();
      await admin.query(`DROP SCHEMA ${name} CASCADE`);
      await admin.end();
    },
  };
}

export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** Environment for startInference in tests: random port, quiet logs, no rate limit. */
export function testEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    MODEL_PATH,
    LOG_LEVEL: 'silent',
    RATE_LIMIT_RPS: '0',
    PREDICTION_LOG_FLUSH_MS: '10',
    ...extra,
  };
}

/** Parsed response bodies: tests assert on them field by field. */
// biome-ignore lint/suspicious/noExplicitAny: shapes are what the assertions check
export type Json = any;

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json: json as Json };
}

/** Value of one sample in Prometheus text format (0 when absent). */
export function sample(metricsText: string, name: string, labels = ''): number {
  const line = metricsText.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}}` : `${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ServedForTests {
  readonly db: TestSchema;
  readonly server: RunningInference;
  readonly url: string;
}

/**
 * A server on a fresh schema of the real PostgreSQL for one test file: started (and its log
 * schema migrated) before the file's tests, stopped and dropped after them.
 */
export function serveForTests(extra: Record<string, string | undefined> = {}): ServedForTests {
  let db: TestSchema | undefined;
  let server: RunningInference | undefined;
  beforeAll(async () => {
    db = await createSchema();
    server = await startInference(testEnv({ DATABASE_URL: db.url, ...extra }));
    await server.databaseReady;
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the test server is not started yet');
    return value;
  };
  return {
    get db() {
      return started(db);
    },
    get server() {
      return started(server);
    },
    get url() {
      return started(server).url;
    },
  };
}
