import { resolve } from 'node:path';
import pg from 'pg';
import type { Config } from '../config.ts';
import type { Logger } from '../telemetry/logger.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { EmbeddedDatabase } from './embedded.ts';
import { migrate } from './migrate.ts';

/** What writes to the database once it is ready: the prediction log, the feedback. */
export interface DatabaseWriter {
  start(pool: pg.Pool): void;
  /** The database cannot be opened: rows are counted as dropped until `start`. */
  markUnavailable(): void;
}

/** The prediction log's database: PostgreSQL at DATABASE_URL, or the embedded one. */
export interface LogDatabase {
  /** Resolves once the log writes (migrations applied); rejects only when stopped first. */
  readonly ready: Promise<void>;
  /** Ends the pool and the embedded database, releases DATA_DIR. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries `attempt` with doubling delays (from `first` up to `max`) until it succeeds or stop. */
async function retry<T>(
  attempt: () => Promise<T>,
  onFailure: (err: Error, attempt: number) => void,
  stopped: () => boolean,
  first: number,
  max: number,
): Promise<T> {
  for (let n = 1, delay = first; ; n++, delay = Math.min(delay * 2, max)) {
    if (n > 1 && stopped()) throw new Error('stopped');
    try {
      return await attempt();
    } catch (err) {
      if (stopped()) throw err;
      onFailure(err as Error, n);
      await sleep(delay);
    }
  }
}

/**
 * Connects the prediction log to its database in the background: predictions are served from
 * the start whatever the database does. Without DATABASE_URL, DATA_DIR is locked for this
 * process first (a second process on it is refused: that throws here, before serving).
 */
export function openLogDatabase(
  config: Config,
  writers: readonly DatabaseWriter[],
  logger: Logger,
): LogDatabase {
  let stopped = false;
  let pool: pg.Pool | undefined;
  let embedded: EmbeddedDatabase | undefined;
  const release = config.databaseUrl ? undefined : lockDataDir(resolve(config.dataDir));

  const connect = async (): Promise<pg.Pool> => {
    if (config.databaseUrl) return newPool(config, config.databaseUrl, logger);
    embedded = await retry(
      async () => {
        // Loaded only when used: the WebAssembly build costs memory a server with DATABASE_URL never needs.
        const { startEmbeddedDatabase } = await import('./embedded.ts');
        return startEmbeddedDatabase(config.dataDir);
      },
      (err, n) => {
        // Serving goes on without the log; the rows are counted as dropped (`unavailable`).
        if (n === 1) for (const w of writers) w.markUnavailable();
        logger[n === 1 ? 'error' : 'debug'](
          { dataDir: resolve(config.dataDir), err: err.message, attempt: n },
          `the embedded database in DATA_DIR ${resolve(config.dataDir)} cannot be opened; serving without the prediction log (rows counted as dropped, reason "unavailable") and retrying. Fix: repair or remove that directory, or set DATABASE_URL`,
        );
      },
      () => stopped,
      1000,
      30_000,
    );
    if (stopped) {
      await embedded.stop();
      throw new Error('stopped');
    }
    logger.info({ dataDir: config.dataDir }, 'embedded PostgreSQL (PGlite) started on loopback');
    return newPool(config, embedded.url, logger);
  };

  const ready = (async () => {
    pool = await connect();
    const applied = await retry(
      () => migrate(pool!),
      (err, attempt) =>
        logger.warn({ err: err.message, attempt }, 'cannot migrate the prediction log yet; retrying'),
      () => stopped,
      250,
      5000,
    );
    logger.info({ applied }, 'prediction log schema is up to date');
    for (const w of writers) w.start(pool);
  })();
  ready.catch(() => undefined);

  return {
    ready,
    async stop() {
      stopped = true;
      await pool?.end().catch(() => undefined);
      await embedded?.stop().catch(() => undefined);
      release?.();
    },
  };
}

function newPool(config: Config, connectionString: string, logger: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: config.databaseUrl ? 4 : 1,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: config.databaseIdleTimeoutMs,
    query_timeout: 15_000,
    keepAlive: true,
    application_name: 'titanic-inference',
  });
  // An idle connection that breaks (database restart) must not crash the process.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle database connection failed'));
  return pool;
}
