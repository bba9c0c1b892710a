import { PREDICTION_ROUTES } from '@titanic/platform/charts/prometheus/alert-rules/context.ts';
import {
  fromWarmPods,
  inferenceSelector,
  withModelVersion,
} from '@titanic/platform/charts/prometheus/alert-rules/selectors.ts';
import { argocdApplication } from '@titanic/platform/charts/promoter/deployment.ts';
import type { PrometheusClient } from '../prometheus.ts';

/** What a merged change asks the environment to run. */
export interface Bundle {
  readonly model: string;
  readonly sha256: string;
  readonly image: string;
}

/**
 * Argo CD's view of the environment's Application, from `argocd_app_info` (labels as the
 * application controller exports them: namespace, name, project, autosync_enabled, repo,
 * dest_server, dest_namespace, sync_status, health_status, operation). An empty `operation` means
 * no sync or delete is running.
 */
export interface ArgoState {
  readonly sync: string;
  readonly health: string;
  readonly operation: string;
}

export async function argoState(
  prom: PrometheusClient,
  env: string,
  namespace: string,
): Promise<ArgoState | undefined> {
  const rows = await prom.query(
    `argocd_app_info{name="${argocdApplication(env)}",dest_namespace="${namespace}"}`,
  );
  const m = rows[0]?.metric;
  return m
    ? { sync: m.sync_status ?? 'Unknown', health: m.health_status ?? 'Unknown', operation: m.operation ?? '' }
    : undefined;
}

/** The bundle every scraped inference pod reports in titanic_model_info (one entry per pod). */
export async function servedBundles(prom: PrometheusClient, env: string): Promise<Bundle[]> {
  const rows = await prom.query(`titanic_model_info${inferenceSelector(env)}`);
  return rows.map((r) => ({
    model: r.metric.version ?? '',
    sha256: r.metric.sha256 ?? '',
    image: r.metric.image ?? '',
  }));
}

/** Names of the alerts firing for the environment now. */
export async function firingAlerts(prom: PrometheusClient, env: string): Promise<string[]> {
  const rows = await prom.query(`ALERTS{env="${env}",alertstate="firing"}`);
  return [...new Set(rows.map((r) => r.metric.alertname ?? '?'))].sort();
}

export interface WindowSignals {
  /** Prediction requests the served version answered during the range. */
  readonly requests: number;
  readonly errorRatio: number | undefined;
  readonly p99Seconds: number | undefined;
  /** Mean predicted probability over the warm pods' drift windows. */
  readonly meanProbability: number | undefined;
}

const ofVersion = (rows: { metric: Record<string, string>; value: number }[], version: string) => {
  const v = rows.find((r) => r.metric.model_version === version)?.value;
  return v === undefined || Number.isNaN(v) ? undefined : v;
};

/** 5xx ratio, p99 latency and mean predicted probability of one model version over `rangeSeconds`. */
export async function windowSignals(
  prom: PrometheusClient,
  env: string,
  version: string,
  rangeSeconds: number,
): Promise<WindowSignals> {
  const range = `[${Math.max(1, Math.ceil(rangeSeconds))}s]`;
  const sel = (...extra: string[]) => inferenceSelector(env, `route=~"${PREDICTION_ROUTES}"`, ...extra);
  const increase = (...extra: string[]) =>
    `sum by (model_version) (${withModelVersion(`increase(http_requests_total${sel(...extra)}${range})`, env)})`;
  const [all, errors, p99, mean] = await Promise.all([
    prom.query(increase()),
    prom.query(increase('status=~"5.."')),
    prom.query(
      `histogram_quantile(0.99, sum by (model_version, le) (${withModelVersion(`rate(http_request_duration_seconds_bucket${sel()}${range})`, env)}))`,
    ),
    prom.query(
      `avg by (model_version) (${withModelVersion(fromWarmPods(`titanic_served_mean_probability${inferenceSelector(env)}`, env), env)})`,
    ),
  ]);
  const requests = ofVersion(all, version) ?? 0;
  return {
    requests,
    errorRatio: requests > 0 ? (ofVersion(errors, version) ?? 0) / requests : undefined,
    p99Seconds: ofVersion(p99, version),
    meanProbability: ofVersion(mean, version),
  };
}

/**
 * When an alert of the environment last fired within the past `rangeSeconds`, or undefined when
 * none did. The subquery samples ALERTS at Prometheus' evaluation resolution, aligned to whole
 * steps, so an alert that began firing after the last step is invisible to it: the instant query
 * of the alerts firing now covers that gap.
 */
export async function lastFiring(
  prom: PrometheusClient,
  env: string,
  rangeSeconds: number,
): Promise<{ at: Date; alerts: string[] } | undefined> {
  if (rangeSeconds <= 0) return undefined;
  const firing = `ALERTS{env="${env}",alertstate="firing"}`;
  const [past, now] = await Promise.all([
    prom.query(`max by (alertname) (max_over_time(timestamp(${firing})[${Math.ceil(rangeSeconds)}s:]))`),
    prom.query(`max by (alertname) (timestamp(${firing}))`),
  ]);
  const last = new Map<string, number>();
  for (const r of [...past, ...now]) {
    const name = r.metric.alertname ?? '?';
    last.set(name, Math.max(last.get(name) ?? 0, r.value));
  }
  if (last.size === 0) return undefined;
  return { at: new Date(Math.max(...last.values()) * 1000), alerts: [...last.keys()].sort() };
}
