import type { AddressInfo } from 'node:net';
import { DECISION_THRESHOLD } from '@titanic/features';
import { type Config, loadConfig } from './config.ts';
import { openLogDatabase } from './db/log-database.ts';
import { PredictionLog } from './db/prediction-log.ts';
import { Feedback } from './feedback/feedback.ts';
import { type FeedbackEntry, feedbackFormat } from './feedback/feedback-log.ts';
import { LiveWindow } from './feedback/live-window.ts';
import { RecentPredictions } from './feedback/recent-predictions.ts';
import { UnwrittenLabels } from './feedback/unwritten-labels.ts';
import { createApp } from './http/app.ts';
import { LogPolicy } from './http/log-policy.ts';
import { httpServer, listen } from './http/server.ts';
import { loadModel } from './model/load.ts';
import { loadShadow } from './model/load-shadow.ts';
import { Predictor } from './model/predictor.ts';
import { newestModelPath } from './model/registry.ts';
import { DriftWindow } from './telemetry/drift-window.ts';
import { createLogger } from './telemetry/logger.ts';
import { Metrics } from './telemetry/metrics.ts';
import { cachedScrape, metricsHandler } from './telemetry/scrape.ts';

export interface RunningInference {
  /** Base URL, e.g. http://127.0.0.1:8080 (loopback when bound to all interfaces). */
  readonly url: string;
  /** Where /metrics is served: on `url`, or on METRICS_PORT. */
  readonly metricsUrl: string;
  readonly config: Config;
  readonly metrics: Metrics;
  readonly modelVersion: string;
  /** Resolves when the prediction log's migrations have been applied. */
  readonly databaseReady: Promise<void>;
  /** Graceful stop: readiness off, in-flight requests finish, the log queue flushes. */
  stop(): Promise<void>;
}

const QUEUE_MAX_BYTES = 16 * 1024 * 1024;

/** Base URL for a bound address (loopback when bound to all interfaces). */
function baseUrl(bound: string, port: number): string {
  const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Starts the whole service from environment-style variables. Throws ConfigError,
 * ModelLoadError or DataDirLockedError (clear messages) when it cannot serve; database trouble
 * never stops it.
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
  const shadow = await loadShadow(
    config,
    { version, model, threshold: DECISION_THRESHOLD },
    { metrics, logger },
  );
  const predictor = new Predictor(model, { metrics, drift, maxRows: config.batchMaxRows, shadow });
  await predictor.selfTest();
  logger.info({ modelPath, sha256: model.sha256 }, 'model loaded and self-tested');

  const logOptions = {
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
  };
  const predictionLog = new PredictionLog(logOptions);
  const feedbackLog = new PredictionLog<FeedbackEntry>(
    { ...logOptions, what: 'feedback' },
    feedbackFormat(config.environment),
    {
      written: metrics.feedbackWritten,
      dropped: metrics.feedbackDropped,
      flushErrors: metrics.feedbackFlushErrors,
      depth: metrics.feedbackQueueDepth,
    },
  );
  const recent = new RecentPredictions(config.feedbackMemory);
  const live = new LiveWindow(config.feedbackWindow, predictor.threshold);
  const feedback = new Feedback(
    recent,
    live,
    feedbackLog,
    metrics.feedbackReceived,
    metrics.feedbackLookupFailures,
    new UnwrittenLabels(config.logQueueMax + config.logBatchMax),
  );
  metrics.cardBrier.set({ model_version: version }, model.metadata.metrics.cv.brier.mean);
  metrics.cardAccuracy.set({ model_version: version }, model.metadata.metrics.cv.accuracy.mean);
  if (shadow) {
    const cv = shadow.metadata.metrics.cv;
    metrics.cardBrier.set({ model_version: shadow.version }, cv.brier.mean);
    metrics.cardAccuracy.set({ model_version: shadow.version }, cv.accuracy.mean);
  }
  // Throws (before anything listens) when another process holds DATA_DIR.
  const database = openLogDatabase(config, [predictionLog, feedback], logger);

  const scrape = cachedScrape(metrics, () => {
    metrics.setWindow(drift);
    metrics.logQueueDepth.set(predictionLog.depth);
    metrics.feedbackQueueDepth.set(feedbackLog.depth);
    metrics.setLive(live);
    if (shadow) {
      shadow.publish();
      metrics.setShadow(version, shadow.version, shadow.window.stats());
    }
  });
  const state = { ready: false };
  const policy = new LogPolicy(predictionLog, config.logOverflow, { memory: recent, modelVersion: version });
  const app = createApp({
    config,
    predictor,
    predictionLog,
    feedback,
    policy,
    scrape: config.metricsPort === undefined ? scrape : undefined,
    metrics,
    drift,
    logger,
    access,
    state,
  });
  const api = httpServer(config, app.callback());
  const metricsServer =
    config.metricsPort === undefined ? undefined : httpServer(config, metricsHandler(scrape));
  try {
    await listen(api.server, config.port, config.host);
    if (metricsServer) await listen(metricsServer.server, config.metricsPort!, config.host);
  } catch (err) {
    api.server.close();
    await database.stop();
    throw err;
  }
  const url = baseUrl(config.host, (api.server.address() as AddressInfo).port);
  const metricsUrl = metricsServer
    ? `${baseUrl(config.host, (metricsServer.server.address() as AddressInfo).port)}/metrics`
    : `${url}/metrics`;
  state.ready = true;
  metrics.modelReady.set(1);
  logger.info({ url, metricsUrl, environment: config.environment }, 'ready');

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const deadline = Date.now() + config.shutdownTimeoutMs;
      const left = () => Math.max(0, deadline - Date.now());
      state.ready = false;
      metrics.modelReady.set(0);
      logger.info('shutting down: readiness off, finishing in-flight requests');
      await Promise.all([api.close(left()), metricsServer?.close(Math.min(1000, left()))]);
      await predictor.drain();
      // Queued rows need the database: wait for it (within the deadline) only when there are some.
      if (predictionLog.depth + feedbackLog.depth > 0)
        await Promise.race([
          database.ready.catch(() => undefined),
          new Promise((r) => setTimeout(r, left())),
        ]);
      await Promise.all([predictionLog.close(left()), feedbackLog.close(left())]);
      await database.stop();
      logger.info('stopped');
      flush();
    })();
    return stopped;
  };
  return { url, metricsUrl, config, metrics, modelVersion: version, databaseReady: database.ready, stop };
}
