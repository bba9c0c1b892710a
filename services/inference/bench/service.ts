import pg from 'pg';
import { type Pinned, startPinned } from './processes.ts';

/** The benchmarks' PostgreSQL unless `--database-url` or BENCH_DATABASE_URL says otherwise. */
export const DEFAULT_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The sum of a metric's samples (all label sets, or those whose labels contain `labels`). */
export async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => (l.startsWith(`${name}{`) && l.includes(labels)) || (!labels && l.startsWith(`${name} `)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

/** Waits (up to a minute) until the service's prediction log queue is empty. */
export async function drainLog(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await metric(url, 'titanic_prediction_log_queue_depth')) > 0 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 200));
}

export interface BenchSchema {
  readonly admin: pg.Pool;
  readonly name: string;
  /** DATABASE_URL whose search_path is the schema. */
  readonly url: string;
  /** Rows in the schema's prediction log. */
  loggedRows(): Promise<number>;
  drop(): Promise<void>;
}

/** A fresh schema for one run's prediction log. */
export async function createBenchSchema(databaseUrl: string, prefix: string): Promise<BenchSchema> {
  const admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const name = `${prefix}_${Date.now()}`;
  await admin.query(`CREATE SCHEMA ${name}`);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    admin,
    name,
    url: url.toString(),
    async loggedRows() {
      return Number((await admin.query(`SELECT count(*) FROM ${name}.prediction_log`)).rows[0].count);
    },
    async drop() {
      await admin.query(`DROP SCHEMA ${name} CASCADE`).catch(() => undefined);
      await admin.end();
    },
  };
}

/**
 * The service bundle on `cpu` in production mode, as the image runs it (the Dockerfile's ENV and
 * CMD flags),
 * logging every prediction to the schema; resolves once the log table exists (migrations never
 * hold up readiness).
 */
export async function startService(options: {
  script: string;
  cpu: string;
  schema: BenchSchema;
  imageVersion: string;
  logFile: string;
  /** Settings over the production ones (e.g. a rate limit). */
  env?: Record<string, string>;
  /** Node options after the image's (e.g. `--cpu-prof`). */
  nodeArgs?: readonly string[];
}): Promise<Pinned> {
  const { schema } = options;
  const service = await startPinned({
    script: options.script,
    cpu: options.cpu,
    nodeArgs: [
      '--max-old-space-size=512',
      '--max-semi-space-size=16',
      '--single-threaded-gc',
      ...(options.nodeArgs ?? []),
    ],
    env: {
      NODE_ENV: 'production',
      MALLOC_ARENA_MAX: '2',
      DATABASE_URL: schema.url,
      ENVIRONMENT: 'local',
      IMAGE_VERSION: options.imageVersion,
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      RATE_LIMIT_RPS: '1000000000',
      ...options.env,
    },
    readyPath: '/v2/health/ready',
    logFile: options.logFile,
  });
  const deadline = Date.now() + 60_000;
  while (!(await schema.admin.query(`SELECT to_regclass('${schema.name}.prediction_log') AS t`)).rows[0].t) {
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error('the service did not create its prediction log table');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return service;
}
