import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { type Config, loadConfig } from './config.ts';
import type { EmbeddedDatabase } from './db/embedded.ts';
import { migrate } from './db/migrate.ts';
import { PredictionLog } from './db/prediction-log.ts';
import { createApp } from './http/app.ts';
import { loadModel } from './model/load.ts';
import { Predictor } from './model/predictor.ts';
import { newestModelPath } from './model/registry.ts';
import { DriftWindow } from './telemetry/drift-window.ts';
import { createLogger, type Logger } from './telemetry/logger.ts';
import { Metrics } from './telemetry/metrics.ts';

export interface RunningInference {
  /** Base URL, e.g. http://127.0.0.1:8080 (loopback when bound to all interfaces). */
  readonly url: string;
  readonly config: Config;
  readonly metrics: Metrics;
  readonly modelVersion: string;
  /** Resolves when the prediction log's migrations have been applied. */
  readonly databaseReady: Promise<void>;
  /** Graceful stop: readiness off, in-flight requests finish, the log queue flushes. */
  stop(): Promise<void>;
}

const QUEUE_MAX_BYTES = 16 * 1024 * 1024;

/** Applies migrations, retrying while the database is unreachable; the log writer waits for it. */
async function migrateWithRetry(pool: pg.Pool, logger: Logger, stopped: () => boolean): Promise<void> {
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 5000)) {
    try {
      const applied = await migrate(pool);
      logger.info({ applied }, 'prediction log schema is up to date');
      return;
    } catch (err) {
      if (stopped()) throw err;
      logger.warn(
        { err: (err as Error).message, attempt },
        'cannot migrate the prediction log yet; retrying',
      );
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    // Keep-alive sockets go idle as their last response is written; close them as they do.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    const timer = setTimeout(() => {
      server.closeAllConnections();
      finish();
    }, timeoutMs);
    const finish = () => {
      clearInterval(sweep);
      clearTimeout(timer);
      resolve();
    };
    server.close(finish);
    server.closeIdleConnections();
  });
}

/**
 * Starts the whole service from environment-style variables. Throws ConfigError or
 * ModelLoadError (clear messages) when it cannot serve; database trouble never stops it.
 */
export async function startInference(env: Record<string, string | undefined>): Promise<RunningInference> {
  const config = loadConfig(env);
  const modelPath = config.modelPath ?? newestModelPath();
  const model = await loadModel({
    modelPath,
    expectedSha256: config.modelSha256,
    metadataPath: config.modelMetadataPath,
  });
  const version = model.metadata.version;
  const { logger, access, flush } = createLogger(config.logLevel, {
    environment: config.environment,
    modelVersion: version,
    image: config.imageVersion,
  });
  const metrics = new Metrics();
  metrics.modelInfo.set({ version, sha256: model.sha256, image: config.imageVersion }, 1);
  const drift = new DriftWindow({
    size: config.psiWindow,
    features: model.metadata.features,
    histograms: model.metadata.trainingHistograms,
  });
  const predictor = new Predictor(model, { metrics, drift, maxRows: config.batchMaxRows });
  await predictor.selfTest();
  logger.info({ modelPath, sha256: model.sha256 }, 'model loaded and self-tested');

  let embedded: EmbeddedDatabase | undefined;
  if (!config.databaseUrl) {
    // Loaded only when used: the WebAssembly build costs memory a server with DATABASE_URL never needs.
    const { startEmbeddedDatabase } = await import('./db/embedded.ts');
    embedded = await startEmbeddedDatabase(config.dataDir);
    logger.info({ dataDir: config.dataDir }, 'embedded PostgreSQL (PGlite) started on loopback');
  }
  const pool = new pg.Pool({
    connectionString: config.databaseUrl ?? embedded!.url,
    max: embedded ? 1 : 4,
    connectionTimeoutMillis: 3000,
    query_timeout: 15_000,
    keepAlive: true,
    application_name: 'titanic-inference',
  });
  // An idle connection that breaks (database restart) must not crash the process.
  pool.on('error', (err) => logger.warn({ err: err.message }, 'idle database connection failed'));
  const predictionLog = new PredictionLog({
    pool,
    metrics,
    logger,
    environment: config.environment,
    modelVersion: version,
    imageVersion: config.imageVersion,
    threshold: predictor.threshold,
    maxRows: config.logQueueMax,
    maxBytes: QUEUE_MAX_BYTES,
    batchMax: config.logBatchMax,
    flushMs: config.logFlushMs,
    copy: config.databaseUrl !== undefined,
  });
  let stopping = false;
  const databaseReady = migrateWithRetry(pool, logger, () => stopping).then(() => predictionLog.start());
  databaseReady.catch(() => undefined);

  const state = { ready: false };
  const app = createApp({ config, predictor, predictionLog, metrics, drift, logger, access, state });
  const server = createServer(app.callback());
  server.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    stopping = true;
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  state.ready = true;
  metrics.modelReady.set(1);
  logger.info({ url, environment: config.environment }, 'ready');

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const deadline = Date.now() + config.shutdownTimeoutMs;
      const left = () => Math.max(0, deadline - Date.now());
      state.ready = false;
      metrics.modelReady.set(0);
      stopping = true;
      logger.info('shutting down: readiness off, finishing in-flight requests');
      await closeServer(server, left());
      await predictor.drain();
      await Promise.race([databaseReady.catch(() => undefined), new Promise((r) => setTimeout(r, left()))]);
      await predictionLog.close(left());
      await pool.end().catch(() => undefined);
      await embedded?.stop().catch(() => undefined);
      logger.info('stopped');
      flush();
    })();
    return stopped;
  };
  return { url, config, metrics, modelVersion: version, databaseReady, stop };
}
