import type { MetricDefinition } from './metric-fields.ts';

const SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000];
const HTTP = ['route', 'method', 'status'] as const;
const MODEL = ['model_version'] as const;
const SHADOW = ['model_version', 'shadow_version'] as const;
const REASON = ['reason'] as const;

/**
 * Every metric the service exports, keyed by the `Metrics` field that holds it. The order is the
 * order of the exposition text; alert rules, dashboards and the promoter's gates query these names.
 */
export const METRICS = {
  httpRequests: {
    kind: 'counter',
    name: 'http_requests_total',
    help: 'HTTP requests by route template, method and status code',
    labelNames: HTTP,
  },
  httpDuration: {
    kind: 'histogram',
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency from first byte read to response handed to the socket',
    labelNames: HTTP,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  },
  predictions: {
    kind: 'counter',
    name: 'titanic_predictions_total',
    help: 'Passengers predicted, by model version and predicted outcome',
    labelNames: ['model_version', 'outcome'],
  },
  // Observed a whole request at a time (up to 10,000 passengers): see BulkHistogram.
  probability: {
    kind: 'bulk histogram',
    name: 'titanic_prediction_probability',
    help: 'Predicted survival probability',
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
  },
  requestBatchSize: {
    kind: 'histogram',
    name: 'titanic_request_batch_size',
    help: 'Passengers (rows) per request',
    labelNames: ['api'],
    buckets: SIZE_BUCKETS,
  },
  inferenceBatchSize: {
    kind: 'histogram',
    name: 'titanic_inference_batch_size',
    help: 'Rows per onnxruntime run after coalescing concurrent requests',
    buckets: SIZE_BUCKETS,
  },
  modelInfo: {
    kind: 'gauge',
    name: 'titanic_model_info',
    help: 'The model being served (value is always 1)',
    labelNames: ['version', 'sha256', 'image'],
  },
  modelReady: {
    kind: 'gauge',
    name: 'titanic_model_ready',
    help: '1 when the model is loaded, self-tested and the server accepts predictions',
  },
  logQueueDepth: {
    kind: 'gauge',
    name: 'titanic_prediction_log_queue_depth',
    help: 'Prediction log rows waiting to be written to Postgres',
  },
  logWritten: {
    kind: 'counter',
    name: 'titanic_prediction_log_written_total',
    help: 'Prediction log rows written to Postgres',
  },
  logDropped: {
    kind: 'counter',
    name: 'titanic_prediction_log_dropped_total',
    help: 'Prediction log rows given up on, by reason',
    labelNames: REASON,
  },
  logFlushErrors: {
    kind: 'counter',
    name: 'titanic_prediction_log_flush_errors_total',
    help: 'Failed attempts to write a batch of prediction log rows',
  },
  featurePsi: {
    kind: 'gauge',
    name: 'titanic_feature_psi',
    help: 'Population stability index of the served-input window against the training histogram',
    labelNames: ['feature'],
  },
  // The two window gauges join the registry with the window's first passenger: before that
  // there is nothing to export, and a 0 would read as a real (and alarming) rate.
  servedPositiveRate: {
    kind: 'gauge',
    name: 'titanic_served_positive_rate',
    help: 'Share of passengers predicted to survive in the drift window',
    unregistered: true,
  },
  servedMeanProbability: {
    kind: 'gauge',
    name: 'titanic_served_mean_probability',
    help: 'Mean predicted survival probability in the drift window (compare with model.json trainingPositiveRate)',
    unregistered: true,
  },
  feedbackReceived: {
    kind: 'counter',
    name: 'titanic_feedback_received_total',
    help: 'Ground-truth labels accepted for storage (written + dropped = received)',
  },
  feedbackWritten: {
    kind: 'counter',
    name: 'titanic_feedback_written_total',
    help: 'Ground-truth labels written to Postgres',
  },
  feedbackDropped: {
    kind: 'counter',
    name: 'titanic_feedback_dropped_total',
    help: 'Ground-truth labels given up on, by reason',
    labelNames: REASON,
  },
  feedbackFlushErrors: {
    kind: 'counter',
    name: 'titanic_feedback_flush_errors_total',
    help: 'Failed attempts to write a batch of ground-truth labels',
  },
  feedbackQueueDepth: {
    kind: 'gauge',
    name: 'titanic_feedback_queue_depth',
    help: 'Ground-truth labels waiting to be written to Postgres',
  },
  feedbackLookupFailures: {
    kind: 'counter',
    name: 'titanic_feedback_lookup_failures_total',
    help: 'Feedback answered 503 because the prediction log could not be read to find its request',
  },
  liveLabels: {
    kind: 'gauge',
    name: 'titanic_live_labels',
    help: 'Labelled predictions in the live window, by model version',
    labelNames: MODEL,
  },
  liveAccuracy: {
    kind: 'gauge',
    name: 'titanic_live_accuracy',
    help: 'Accuracy of the labelled predictions in the live window, by model version',
    labelNames: MODEL,
  },
  liveBrier: {
    kind: 'gauge',
    name: 'titanic_live_brier',
    help: 'Brier score of the labelled predictions in the live window, by model version',
    labelNames: MODEL,
  },
  liveLogLoss: {
    kind: 'gauge',
    name: 'titanic_live_log_loss',
    help: 'Log loss of the labelled predictions in the live window, by model version',
    labelNames: MODEL,
  },
  cardBrier: {
    kind: 'gauge',
    name: 'titanic_model_card_brier',
    help: 'Cross-validated Brier score from the model card (compare with titanic_live_brier)',
    labelNames: MODEL,
  },
  cardAccuracy: {
    kind: 'gauge',
    name: 'titanic_model_card_accuracy',
    help: 'Cross-validated accuracy from the model card (compare with titanic_live_accuracy)',
    labelNames: MODEL,
  },
  shadowInfo: {
    kind: 'gauge',
    name: 'titanic_shadow_info',
    help: 'The shadow model scoring beside the served one (value is always 1); run="paired" when one onnxruntime run scores both, "session" when the shadow has its own',
    labelNames: ['version', 'sha256', 'run'],
  },
  shadowConfigured: {
    kind: 'gauge',
    name: 'titanic_shadow_configured',
    help: '1 when a shadow model is configured (SHADOW_MODEL_PATH)',
  },
  shadowReady: {
    kind: 'gauge',
    name: 'titanic_shadow_ready',
    help: '1 when the configured shadow model loaded and passed its self-test',
  },
  shadowLoadFailures: {
    kind: 'counter',
    name: 'titanic_shadow_load_failures_total',
    help: 'Shadow models that could not be loaded (the served model is unaffected)',
  },
  shadowErrors: {
    kind: 'counter',
    name: 'titanic_shadow_errors_total',
    help: 'Shadow runs that failed (the request was served without the shadow)',
    labelNames: ['shadow_version'],
  },
  shadowPredictions: {
    kind: 'counter',
    name: 'titanic_shadow_predictions_total',
    help: 'Passengers scored by both the served model and the shadow',
    labelNames: SHADOW,
  },
  shadowAgreements: {
    kind: 'counter',
    name: 'titanic_shadow_agreements_total',
    help: 'Shadowed passengers whose predicted label is the same from both models',
    labelNames: SHADOW,
  },
  shadowAbsDiff: {
    kind: 'counter',
    name: 'titanic_shadow_abs_diff_sum',
    help: 'Sum of |shadow probability - served probability| over shadowed passengers',
    labelNames: SHADOW,
  },
  shadowProbabilitySum: {
    kind: 'counter',
    name: 'titanic_shadow_probability_sum',
    help: 'Sum of predicted probabilities over shadowed passengers, by role (primary or shadow)',
    labelNames: [...SHADOW, 'role'],
  },
  shadowPsi: {
    kind: 'gauge',
    name: 'titanic_shadow_psi',
    help: "PSI of the shadow's probabilities against the served model's over the shadow window",
    labelNames: SHADOW,
  },
  shadowWindowAgreement: {
    kind: 'gauge',
    name: 'titanic_shadow_window_agreement',
    help: 'Label agreement rate of shadow and served model over the shadow window',
    labelNames: SHADOW,
  },
} as const satisfies Record<string, MetricDefinition>;
