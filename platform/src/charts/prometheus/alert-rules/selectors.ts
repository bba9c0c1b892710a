/**
 * Label matchers shared by alert rules and dashboards. Job names must match the scrape jobs of
 * charts/prometheus/config.ts; `env` is attached there as a target label.
 */
export const JOBS = {
  inference: 'inference',
  postgres: 'postgres',
  argocd: 'argocd',
} as const;

/** `{job="inference",env="dev"}` plus extra matchers. */
export function inferenceSelector(env: string, ...extra: string[]): string {
  return `{${[`job="${JOBS.inference}"`, `env="${env}"`, ...extra].join(',')}}`;
}

/**
 * Attaches `model_version` (the version the pod actually serves, from titanic_model_info) to every
 * series of `expr`; `expr` must keep its `instance` label.
 */
export function withModelVersion(expr: string, env: string): string {
  const info = `label_replace(titanic_model_info${inferenceSelector(env)}, "model_version", "$1", "version", "(.*)")`;
  return `(${expr}) * on (instance) group_left (model_version) ${info}`;
}

/**
 * Passengers a pod must have scored before its drift gauges mean anything: PSI over a handful of
 * rows is noise, and an empty window reports a positive rate of 0.
 */
export const MIN_SCORED_PASSENGERS = 100;

/** Keeps the series of `expr` from pods that scored at least MIN_SCORED_PASSENGERS since they started. */
export function fromWarmPods(expr: string, env: string): string {
  return `(${expr}) and on (instance) (sum by (instance) (titanic_predictions_total${inferenceSelector(env)}) >= ${MIN_SCORED_PASSENGERS})`;
}
