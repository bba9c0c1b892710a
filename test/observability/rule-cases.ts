import { JOBS, MIN_SCORED_PASSENGERS } from '@titanic/platform/charts/prometheus/alert-rules/selectors.ts';
import { type AlertRulesOptions, alertGroups } from '@titanic/platform/charts/prometheus/alert-rules.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';

/** One input series of a promtool unit test, in promtool's expanding notation. */
export interface Series {
  readonly series: string;
  readonly values: string;
}

/** A scenario that must fire the alert (with these output labels and value) and one that must not. */
export interface RuleCase {
  readonly fire: {
    readonly series: Series[];
    readonly labels: Record<string, string>;
    readonly value: number;
  };
  readonly quiet: { readonly series: Series[] };
}

export const POD = 'pod-a:8080';
const COLD_POD = 'pod-b:8080';
export const SERVED_VERSION = '2026.01.02-1';
const HISTOGRAM_EDGES = [0.05, 0.1, 0.2, 0.3, 0.7, 1.7];

function labels(sel: Record<string, string>): string {
  return `{${Object.entries(sel)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

/** A counter growing by `perMinute` each sample, or a constant gauge. */
const counter = (perMinute: number, samples: number) => `0+${perMinute}x${samples}`;
const gauge = (value: number, samples: number) => `${value}x${samples}`;

export function ruleCases(
  env: Environment,
  samples: number,
  options: AlertRulesOptions,
): Record<string, RuleCase> {
  const a = env.monitoring.alerts;
  const pod = { job: JOBS.inference, env: env.name, instance: POD };
  const info: Series = {
    series: `titanic_model_info${labels({ ...pod, version: SERVED_VERSION, sha256: 'f'.repeat(64), image: env.image.tag })}`,
    values: gauge(1, samples),
  };
  const requests = (status: string, perMinute: number): Series => ({
    series: `http_requests_total${labels({ ...pod, route: '/v1/predict', method: 'POST', status })}`,
    values: counter(perMinute, samples),
  });
  /** Every observation in the first bucket whose lower edge is at least `atLeast` (or in the first bucket). */
  const histogram = (atLeast: number | undefined): { series: Series[]; p99: number } => {
    const index =
      atLeast === undefined
        ? 0
        : HISTOGRAM_EDGES.findIndex((_e, i) => i > 0 && HISTOGRAM_EDGES[i - 1]! >= atLeast);
    if (index < 0) throw new Error(`no histogram bucket above ${atLeast}`);
    const lower = index === 0 ? 0 : HISTOGRAM_EDGES[index - 1]!;
    const series = [...HISTOGRAM_EDGES.map(String), '+Inf'].map((le, i) => ({
      series: `http_request_duration_seconds_bucket${labels({ ...pod, route: '/v1/predict', method: 'POST', status: '200', le })}`,
      values: counter(i >= index ? 60 : 0, samples),
    }));
    return { series, p99: lower + (HISTOGRAM_EDGES[index]! - lower) * 0.99 };
  };
  const versioned = { env: env.name, model_version: SERVED_VERSION };
  /** A pod that has scored enough passengers for its drift gauges to count, and one that has not. */
  const scored = (instance: string, total: number): Series[] => [
    { ...info, series: info.series.replace(POD, instance) },
    {
      series: `titanic_predictions_total${labels({ ...pod, instance, model_version: SERVED_VERSION, outcome: 'died' })}`,
      values: gauge(total, samples),
    },
  ];
  const warm = scored(POD, MIN_SCORED_PASSENGERS);
  const cold = scored(COLD_POD, MIN_SCORED_PASSENGERS - 1);
  const errorsFire = 1000 * Math.min(0.5, a.errorRatio * 2);
  const errorsQuiet = (1000 * a.errorRatio) / 2;
  const dropsFire = Math.max(a.logDropsPerSecond * 2, 1);
  const rate = options.trainingPositiveRate ?? 0;
  const shifted =
    rate + 2 * a.predictionShift <= 1 ? rate + 2 * a.predictionShift : rate - 2 * a.predictionShift;
  const pg = (up: number): Series => ({
    series: `pg_up${labels({ job: JOBS.postgres, env: env.name, instance: 'postgres:9187' })}`,
    values: gauge(up, samples),
  });
  const app = {
    name: `titanic-${env.name}`,
    namespace: 'argocd',
    project: 'titanic',
    dest_namespace: env.namespace,
  };
  const appInfo = (sync: string, health: string): Series => ({
    series: `argocd_app_info${labels({ job: JOBS.argocd, ...app, dest_server: 'https://kubernetes.default.svc', sync_status: sync, health_status: health })}`,
    values: gauge(1, samples),
  });
  const slow = histogram(a.p99LatencySeconds);
  const cases: Record<string, RuleCase> = {
    InferenceHighErrorRatio: {
      fire: {
        series: [info, requests('200', 1000 - errorsFire), requests('500', errorsFire)],
        labels: versioned,
        value: errorsFire / 1000,
      },
      quiet: { series: [info, requests('200', 1000 - errorsQuiet), requests('500', errorsQuiet)] },
    },
    InferenceHighLatencyP99: {
      fire: { series: [info, ...slow.series], labels: versioned, value: slow.p99 },
      quiet: { series: [info, ...histogram(undefined).series] },
    },
    InferenceNoHealthyTarget: {
      fire: {
        series: [{ series: `titanic_model_ready${labels(pod)}`, values: gauge(0, samples) }],
        labels: {},
        value: 1,
      },
      quiet: { series: [{ series: `titanic_model_ready${labels(pod)}`, values: gauge(1, samples) }] },
    },
    PredictionLogDropping: {
      fire: {
        series: [
          {
            series: `titanic_prediction_log_dropped_total${labels({ ...pod, reason: 'queue_full' })}`,
            values: counter(dropsFire * 60, samples),
          },
        ],
        labels: { env: env.name },
        value: dropsFire,
      },
      quiet: {
        series: [
          {
            series: `titanic_prediction_log_dropped_total${labels({ ...pod, reason: 'queue_full' })}`,
            values: counter((a.logDropsPerSecond / 2) * 60, samples),
          },
        ],
      },
    },
    PredictionLogBacklog: {
      fire: {
        series: [
          {
            series: `titanic_prediction_log_queue_depth${labels(pod)}`,
            values: gauge(a.logBacklog * 2, samples),
          },
        ],
        labels: { env: env.name },
        value: a.logBacklog * 2,
      },
      quiet: {
        series: [
          {
            series: `titanic_prediction_log_queue_depth${labels(pod)}`,
            values: gauge(Math.floor(a.logBacklog / 2), samples),
          },
        ],
      },
    },
    ModelFeatureDrift: {
      // A travel-group feature: every feature is watched, the group look-ups included.
      fire: {
        series: [
          ...warm,
          {
            series: `titanic_feature_psi${labels({ ...pod, feature: 'group_has_known' })}`,
            values: gauge(a.psi.threshold * 2, samples),
          },
        ],
        labels: { ...versioned, feature: 'group_has_known' },
        value: a.psi.threshold * 2,
      },
      quiet: {
        series: [
          ...warm,
          ...cold,
          {
            series: `titanic_feature_psi${labels({ ...pod, feature: 'age' })}`,
            values: gauge(a.psi.threshold / 2, samples),
          },
          // Group look-up features are watched like the others: under the threshold, quiet.
          {
            series: `titanic_feature_psi${labels({ ...pod, feature: 'group_survival' })}`,
            values: gauge(a.psi.threshold / 2, samples),
          },
          // Too few passengers scored for PSI to mean anything.
          {
            series: `titanic_feature_psi${labels({ ...pod, instance: COLD_POD, feature: 'age' })}`,
            values: gauge(a.psi.threshold * 4, samples),
          },
        ],
      },
    },
    ModelPredictionShift: {
      fire: {
        series: [
          ...warm,
          { series: `titanic_served_mean_probability${labels(pod)}`, values: gauge(shifted, samples) },
        ],
        labels: versioned,
        value: Math.abs(shifted - rate),
      },
      quiet: {
        series: [
          ...warm,
          ...cold,
          {
            series: `titanic_served_mean_probability${labels(pod)}`,
            values: gauge(rate + a.predictionShift / 2, samples),
          },
          // A fresh pod reports 0 before its window has data; it must not count.
          {
            series: `titanic_served_mean_probability${labels({ ...pod, instance: COLD_POD })}`,
            values: gauge(0, samples),
          },
        ],
      },
    },
    PostgresDown: {
      fire: { series: [pg(0)], labels: { env: env.name }, value: 0 },
      quiet: { series: [pg(1)] },
    },
    ArgoCDAppOutOfSync: {
      fire: {
        series: [appInfo('OutOfSync', 'Healthy')],
        labels: { name: app.name, dest_namespace: env.namespace },
        value: 1,
      },
      quiet: { series: [appInfo('Synced', 'Healthy')] },
    },
    ArgoCDAppDegraded: {
      fire: {
        series: [appInfo('Synced', 'Degraded')],
        labels: { name: app.name, dest_namespace: env.namespace },
        value: 1,
      },
      quiet: { series: [appInfo('Synced', 'Progressing')] },
    },
  };
  const known = Object.values(alertGroups(env, options))
    .flat()
    .map((d) => d.alert);
  const missing = known.filter((name) => !(name in cases));
  if (missing.length > 0) throw new Error(`no unit-test case for alert(s): ${missing.join(', ')}`);
  return cases;
}
