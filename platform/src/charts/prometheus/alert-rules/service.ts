import type { RuleContext } from './context.ts';
import { PREDICTION_ROUTES } from './context.ts';
import { inferenceSelector, withModelVersion } from './selectors.ts';
import type { AlertDefinition } from './types.ts';

/** Availability, errors and latency of the inference service. */
export function serviceAlerts({ env, rateWindow }: RuleContext): AlertDefinition[] {
  const t = env.monitoring.alerts;
  const requests = (...extra: string[]) =>
    `sum by (env, model_version) (${withModelVersion(
      `rate(http_requests_total${inferenceSelector(env.name, `route=~"${PREDICTION_ROUTES}"`, ...extra)}[${rateWindow}])`,
      env.name,
    )})`;
  const buckets = withModelVersion(
    `rate(http_request_duration_seconds_bucket${inferenceSelector(env.name, `route=~"${PREDICTION_ROUTES}"`)}[${rateWindow}])`,
    env.name,
  );
  return [
    {
      alert: 'InferenceHighErrorRatio',
      expr: `${requests('status=~"5.."')} / ${requests()} > ${t.errorRatio}`,
      for: '5m',
      severity: 'critical',
      rollback: true,
      modelVersion: true,
      summary: (x) => `${x.value(2)} of predictions fail with 5xx in ${env.name}`,
      description: (x) =>
        `The share of prediction requests answered with a 5xx status is ${x.value(4)} ` +
        `(threshold ${t.errorRatio}) for model ${x.label('model_version')} in ${env.name}.`,
    },
    {
      alert: 'InferenceHighLatencyP99',
      expr: `histogram_quantile(0.99, sum by (env, model_version, le) (${buckets})) > ${t.p99LatencySeconds}`,
      for: '10m',
      severity: 'warning',
      rollback: false,
      modelVersion: true,
      summary: (x) => `p99 prediction latency is ${x.value(3)} s in ${env.name}`,
      description: (x) =>
        `The 99th percentile of prediction request latency is ${x.value(3)} s ` +
        `(threshold ${t.p99LatencySeconds} s) for model ${x.label('model_version')} in ${env.name}.`,
    },
    {
      alert: 'InferenceNoHealthyTarget',
      // titanic_model_ready is only scraped from targets that are up, so this also covers "all down" and "none discovered".
      expr: `absent(titanic_model_ready${inferenceSelector(env.name)} == 1)`,
      for: '2m',
      severity: 'critical',
      rollback: false,
      modelVersion: false,
      summary: () => `No ready inference pod in ${env.name}`,
      description: () =>
        `Prometheus has no inference target in ${env.name} that is up and reports a loaded model ` +
        `(titanic_model_ready == 1); predictions fail at the ingress.`,
    },
  ];
}
