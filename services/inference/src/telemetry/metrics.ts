import client from 'prom-client';
import { DROP_REASONS } from '../db/prediction-log.ts';
import { BulkHistogram } from './bulk-histogram.ts';

const SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000];

interface LiveScoresLike {
  readonly labelled: number;
  readonly accuracy: number;
  readonly brier: number;
  readonly logLoss: number;
}

interface HttpChildren {
  readonly count: client.Counter.Internal;
  readonly duration: client.Histogram.Internal<'route' | 'method' | 'status'>;
}

/**
 * Every metric the service exports, in its own registry so several servers can live in one
 * process (tests). Label children are cached: resolving labels costs more than the increment.
 */
export class Metrics {
  readonly registry = new client.Registry();
  readonly httpRequests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route template, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency from first byte read to response handed to the socket',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly predictions = new client.Counter({
    name: 'titanic_predictions_total',
    help: 'Passengers predicted, by model version and predicted outcome',
    labelNames: ['model_version', 'outcome'] as const,
    registers: [this.registry],
  });
  // Observed a whole request at a time (up to 10,000 passengers): see BulkHistogram.
  readonly probability = new BulkHistogram({
    name: 'titanic_prediction_probability',
    help: 'Predicted survival probability',
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
    registers: [this.registry],
  });
  readonly requestBatchSize = new client.Histogram({
    name: 'titanic_request_batch_size',
    help: 'Passengers (rows) per request',
    labelNames: ['api'] as const,
    buckets: SIZE_BUCKETS,
    registers: [this.registry],
  });
  readonly inferenceBatchSize = new client.Histogram({
    name: 'titanic_inference_batch_size',
    help: 'Rows per onnxruntime run after coalescing concurrent requests',
    buckets: SIZE_BUCKETS,
    registers: [this.registry],
  });
  readonly modelInfo = new client.Gauge({
    name: 'titanic_model_info',
    help: 'The model being served (value is always 1)',
    labelNames: ['version', 'sha256', 'image'] as const,
    registers: [this.registry],
  });
  readonly modelReady = new client.Gauge({
    name: 'titanic_model_ready',
    help: '1 when the model is loaded, self-tested and the server accepts predictions',
    registers: [this.registry],
  });
  readonly logQueueDepth = new client.Gauge({
    name: 'titanic_prediction_log_queue_depth',
    help: 'Prediction log rows waiting to be written to Postgres',
    registers: [this.registry],
  });
  readonly logWritten = new client.Counter({
    name: 'titanic_prediction_log_written_total',
    help: 'Prediction log rows written to Postgres',
    registers: [this.registry],
  });
  readonly logDropped = new client.Counter({
    name: 'titanic_prediction_log_dropped_total',
    help: 'Prediction log rows given up on, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly logFlushErrors = new client.Counter({
    name: 'titanic_prediction_log_flush_errors_total',
    help: 'Failed attempts to write a batch of prediction log rows',
    registers: [this.registry],
  });
  readonly featurePsi = new client.Gauge({
    name: 'titanic_feature_psi',
    help: 'Population stability index of the served-input window against the training histogram',
    labelNames: ['feature'] as const,
    registers: [this.registry],
  });
  // The two window gauges join the registry with the window's first passenger: before that
  // there is nothing to export, and a 0 would read as a real (and alarming) rate.
  readonly servedPositiveRate = new client.Gauge({
    name: 'titanic_served_positive_rate',
    help: 'Share of passengers predicted to survive in the drift window',
    registers: [],
  });
  readonly servedMeanProbability = new client.Gauge({
    name: 'titanic_served_mean_probability',
    help: 'Mean predicted survival probability in the drift window (compare with model.json trainingPositiveRate)',
    registers: [],
  });

  readonly feedbackReceived = new client.Counter({
    name: 'titanic_feedback_received_total',
    help: 'Ground-truth labels accepted for storage (written + dropped = received)',
    registers: [this.registry],
  });
  readonly feedbackWritten = new client.Counter({
    name: 'titanic_feedback_written_total',
    help: 'Ground-truth labels written to Postgres',
    registers: [this.registry],
  });
  readonly feedbackDropped = new client.Counter({
    name: 'titanic_feedback_dropped_total',
    help: 'Ground-truth labels given up on, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly feedbackFlushErrors = new client.Counter({
    name: 'titanic_feedback_flush_errors_total',
    help: 'Failed attempts to write a batch of ground-truth labels',
    registers: [this.registry],
  });
  readonly feedbackQueueDepth = new client.Gauge({
    name: 'titanic_feedback_queue_depth',
    help: 'Ground-truth labels waiting to be written to Postgres',
    registers: [this.registry],
  });
  readonly feedbackLookupFailures = new client.Counter({
    name: 'titanic_feedback_lookup_failures_total',
    help: 'Feedback answered 503 because the prediction log could not be read to find its request',
    registers: [this.registry],
  });
  readonly liveLabels = new client.Gauge({
    name: 'titanic_live_labels',
    help: 'Labelled predictions in the live window, by model version',
    labelNames: ['model_version'] as const,
    registers: [this.registry],
  });
  readonly liveAccuracy = new client.Gauge({
    name: 'titanic_live_accuracy',
    help: 'Accuracy of the labelled predictions in the live window, by model version',
    labelNames: ['model_version'] as const,
    registers: [this.registry],
  });
  readonly liveBrier = new client.Gauge({
    name: 'titanic_live_brier',
    help: 'Brier score of the labelled predictions in the live window, by model version',
    labelNames: ['model_version'] as const,
    registers: [this.registry],
  });
  readonly liveLogLoss = new client.Gauge({
    name: 'titanic_live_log_loss',
    help: 'Log loss of the labelled predictions in the live window, by model version',
    labelNames: ['model_version'] as const,
    registers: [this.registry],
  });
  readonly cardBrier = new client.Gauge({
    name: 'titanic_model_card_brier',
    help: 'Cross-validated Brier score from the model card (compare with titanic_live_brier)',
    labelNames: ['model_version'] as const,
    registers: [this.registry],
  });
  readonly cardAccuracy = new client.Gauge({
    name: 'titanic_model_card_accuracy',
    help: 'Cross-validated accuracy from the model card (compare with titanic_live_accuracy)',
    labelNames: ['model_version'] as const,
    registers: [this.registry],
  });

  readonly shadowInfo = new client.Gauge({
    name: 'titanic_shadow_info',
    help: 'The shadow model scoring beside the served one (value is always 1)',
    labelNames: ['version', 'sha256'] as const,
    registers: [this.registry],
  });
  readonly shadowConfigured = new client.Gauge({
    name: 'titanic_shadow_configured',
    help: '1 when a shadow model is configured (SHADOW_MODEL_PATH)',
    registers: [this.registry],
  });
  readonly shadowReady = new client.Gauge({
    name: 'titanic_shadow_ready',
    help: '1 when the configured shadow model loaded and passed its self-test',
    registers: [this.registry],
  });
  readonly shadowLoadFailures = new client.Counter({
    name: 'titanic_shadow_load_failures_total',
    help: 'Shadow models that could not be loaded (the served model is unaffected)',
    registers: [this.registry],
  });
  readonly shadowErrors = new client.Counter({
    name: 'titanic_shadow_errors_total',
    help: 'Shadow runs that failed (the request was served without the shadow)',
    labelNames: ['shadow_version'] as const,
    registers: [this.registry],
  });
  readonly shadowPredictions = new client.Counter({
    name: 'titanic_shadow_predictions_total',
    help: 'Passengers scored by both the served model and the shadow',
    labelNames: ['model_version', 'shadow_version'] as const,
    registers: [this.registry],
  });
  readonly shadowAgreements = new client.Counter({
    name: 'titanic_shadow_agreements_total',
    help: 'Shadowed passengers whose predicted label is the same from both models',
    labelNames: ['model_version', 'shadow_version'] as const,
    registers: [this.registry],
  });
  readonly shadowAbsDiff = new client.Counter({
    name: 'titanic_shadow_abs_diff_sum',
    help: 'Sum of |shadow probability - served probability| over shadowed passengers',
    labelNames: ['model_version', 'shadow_version'] as const,
    registers: [this.registry],
  });
  readonly shadowProbabilitySum = new client.Counter({
    name: 'titanic_shadow_probability_sum',
    help: 'Sum of predicted probabilities over shadowed passengers, by role (primary or shadow)',
    labelNames: ['model_version', 'shadow_version', 'role'] as const,
    registers: [this.registry],
  });
  readonly shadowPsi = new client.Gauge({
    name: 'titanic_shadow_psi',
    help: "PSI of the shadow's probabilities against the served model's over the shadow window",
    labelNames: ['model_version', 'shadow_version'] as const,
    registers: [this.registry],
  });
  readonly shadowWindowAgreement = new client.Gauge({
    name: 'titanic_shadow_window_agreement',
    help: 'Label agreement rate of shadow and served model over the shadow window',
    labelNames: ['model_version', 'shadow_version'] as const,
    registers: [this.registry],
  });

  readonly #http = new Map<string, HttpChildren>();

  constructor() {
    client.collectDefaultMetrics({ register: this.registry });
    // The runtime's exact version tells an attacker which advisories apply; the image tag is in
    // titanic_model_info.
    this.registry.removeSingleMetric('nodejs_version_info');
    this.modelReady.set(0);
    this.logQueueDepth.set(0);
    this.logWritten.inc(0);
    this.logFlushErrors.inc(0);
    for (const reason of DROP_REASONS) this.logDropped.inc({ reason }, 0);
    this.feedbackReceived.inc(0);
    this.feedbackWritten.inc(0);
    this.feedbackFlushErrors.inc(0);
    this.feedbackQueueDepth.set(0);
    this.feedbackLookupFailures.inc(0);
    this.shadowConfigured.set(0);
    this.shadowReady.set(0);
    this.shadowLoadFailures.inc(0);
    for (const reason of DROP_REASONS) this.feedbackDropped.inc({ reason }, 0);
  }

  /** The shadow window's comparison gauges (at scrape time). */
  setShadow(
    model_version: string,
    shadow_version: string,
    stats: { agreement: number; psi: number } | undefined,
  ): void {
    if (!stats) return;
    this.shadowPsi.set({ model_version, shadow_version }, stats.psi);
    this.shadowWindowAgreement.set({ model_version, shadow_version }, stats.agreement);
  }

  /** The live-quality gauges from the window's current state (at scrape time). */
  setLive(live: { versions(): string[]; scores(version: string): LiveScoresLike | undefined }): void {
    for (const g of [this.liveLabels, this.liveAccuracy, this.liveBrier, this.liveLogLoss]) g.reset();
    for (const model_version of live.versions()) {
      const s = live.scores(model_version);
      if (!s) continue;
      this.liveLabels.set({ model_version }, s.labelled);
      this.liveAccuracy.set({ model_version }, s.accuracy);
      this.liveBrier.set({ model_version }, s.brier);
      this.liveLogLoss.set({ model_version }, s.logLoss);
    }
  }

  observeHttp(route: string, method: string, status: number, seconds: number): void {
    const key = `${route}\u0000${method}\u0000${status}`;
    let children = this.#http.get(key);
    if (!children) {
      const labels = { route, method, status: String(status) };
      children = { count: this.httpRequests.labels(labels), duration: this.httpDuration.labels(labels) };
      this.#http.set(key, children);
    }
    children.count.inc();
    children.duration.observe(seconds);
  }

  /** The drift gauges from the window's current state (at scrape time). */
  setWindow(window: {
    psi(): { feature: string; value: number }[];
    positiveRate(): number | undefined;
    meanProbability(): number | undefined;
  }): void {
    this.featurePsi.reset();
    for (const { feature, value } of window.psi()) this.featurePsi.set({ feature }, value);
    const rate = window.positiveRate();
    const mean = window.meanProbability();
    if (rate === undefined || mean === undefined) return;
    if (!this.registry.getSingleMetric('titanic_served_positive_rate')) {
      this.registry.registerMetric(this.servedPositiveRate);
      this.registry.registerMetric(this.servedMeanProbability);
    }
    this.servedPositiveRate.set(rate);
    this.servedMeanProbability.set(mean);
  }

  /** Children for one model version, resolved once. */
  forModel(version: string) {
    const survived = this.predictions.labels({ model_version: version, outcome: 'survived' });
    const died = this.predictions.labels({ model_version: version, outcome: 'died' });
    survived.inc(0);
    died.inc(0);
    return {
      survived,
      died,
      probability: this.probability.series({ model_version: version }),
      v1Size: this.requestBatchSize.labels({ api: 'v1' }),
      v2Size: this.requestBatchSize.labels({ api: 'v2' }),
    };
  }
}
