/**
 * The Prometheus configuration as a typed object. The same function renders the in-cluster file
 * (Kubernetes pod discovery limited to one namespace) and, with `static`, a loopback variant so a
 * real Prometheus can run the exact generated configuration in tests.
 */
import { PORTS } from '../constants.ts';
import { LABEL_NAME } from '../labels.ts';

export interface RelabelConfig {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?: 'replace' | 'keep' | 'drop' | 'labelmap' | 'labeldrop' | 'labelkeep';
}

export interface ScrapeConfig {
  readonly job_name: string;
  readonly scrape_interval?: string;
  readonly scrape_timeout?: string;
  readonly metrics_path?: string;
  readonly kubernetes_sd_configs?: readonly {
    readonly role: 'pod';
    readonly namespaces: { readonly names: readonly string[] };
  }[];
  readonly static_configs?: readonly {
    readonly targets: readonly string[];
    readonly labels?: Readonly<Record<string, string>>;
  }[];
  readonly relabel_configs?: readonly RelabelConfig[];
  readonly metric_relabel_configs?: readonly RelabelConfig[];
}

export interface PrometheusConfig {
  readonly global: {
    readonly scrape_interval: string;
    readonly scrape_timeout: string;
    readonly evaluation_interval: string;
    readonly external_labels: Readonly<Record<string, string>>;
  };
  readonly rule_files: readonly string[];
  readonly alerting: {
    readonly alertmanagers: readonly {
      readonly static_configs: readonly { readonly targets: readonly string[] }[];
    }[];
  };
  readonly scrape_configs: readonly ScrapeConfig[];
}

/** Loopback targets replacing discovery, for running a real Prometheus next to real processes. */
export interface StaticTargets {
  readonly inference: readonly string[];
  readonly postgresExporter?: readonly string[];
  readonly argocd?: readonly string[];
  readonly alertmanager: readonly string[];
}

export interface PrometheusConfigInput {
  /** Environment name, attached to every series as the `env` label. */
  readonly env: string;
  /** The only namespace whose pods are discovered. */
  readonly namespace: string;
  /** Rule files Prometheus loads (globs allowed). */
  readonly ruleFiles: readonly string[];
  /** Default 30s; tests shorten it. */
  readonly scrapeInterval?: string;
  /** Default 30s; tests shorten it. */
  readonly evaluationInterval?: string;
  /** Where Argo CD's application controller metrics Service lives. Default `argocd`. */
  readonly argocdNamespace?: string;
  /** Replace Kubernetes discovery with fixed targets. */
  readonly static?: StaticTargets;
}

/** Metric names from Argo CD carry the Application in `name`; keep only this environment's. */
function argocdFilter(env: string): RelabelConfig[] {
  return [{ source_labels: ['name'], regex: `(titanic-${env})?`, action: 'keep' }];
}

function podJob(
  jobName: string,
  namespace: string,
  env: string,
  component: string,
  portName: string,
): ScrapeConfig {
  return {
    job_name: jobName,
    kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [namespace] } }],
    relabel_configs: [
      {
        source_labels: [`__meta_kubernetes_pod_label_${LABEL_NAME.replace(/[./-]/g, '_')}`],
        regex: component,
        action: 'keep',
      },
      { source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: portName, action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_phase'], regex: 'Running', action: 'keep' },
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { target_label: 'env', replacement: env },
    ],
  };
}

function staticJob(jobName: string, env: string, targets: readonly string[]): ScrapeConfig {
  return { job_name: jobName, static_configs: [{ targets, labels: { env } }] };
}

export function prometheusConfig(input: PrometheusConfigInput): PrometheusConfig {
  const scrape = input.scrapeInterval ?? '30s';
  const evaluation = input.evaluationInterval ?? '30s';
  const { env, namespace } = input;
  const argocdNamespace = input.argocdNamespace ?? 'argocd';
  const s = input.static;

  const scrapeConfigs: ScrapeConfig[] = s
    ? [
        staticJob('inference', env, s.inference),
        ...(s.postgresExporter ? [staticJob('postgres', env, s.postgresExporter)] : []),
        ...(s.argocd
          ? [{ ...staticJob('argocd', env, s.argocd), metric_relabel_configs: argocdFilter(env) }]
          : []),
      ]
    : [
        podJob('inference', namespace, env, 'inference', 'metrics'),
        podJob('postgres', namespace, env, 'postgres', 'metrics'),
        {
          ...staticJob('argocd', env, [`argocd-metrics.${argocdNamespace}.svc:${PORTS.argocdMetrics}`]),
          metric_relabel_configs: argocdFilter(env),
        },
        staticJob('prometheus', env, [`localhost:${PORTS.prometheus}`]),
      ];

  return {
    global: {
      scrape_interval: scrape,
      // A timeout longer than the interval is rejected by Prometheus.
      scrape_timeout: shorter(scrape, '10s'),
      evaluation_interval: evaluation,
      external_labels: { env },
    },
    rule_files: [...input.ruleFiles],
    alerting: {
      alertmanagers: [
        { static_configs: [{ targets: s ? [...s.alertmanager] : [`alertmanager:${PORTS.alertmanager}`] }] },
      ],
    },
    scrape_configs: scrapeConfigs,
  };
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Seconds in a Prometheus duration such as "1m30s" or "500ms". */
export function durationSeconds(value: string): number {
  const parts = [...value.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) {
    throw new Error(`invalid duration "${value}": expected e.g. "15s", "1m30s", "500ms"`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_SECONDS[p[2] as string] ?? 0), 0);
}

function shorter(a: string, b: string): string {
  return durationSeconds(a) <= durationSeconds(b) ? a : b;
}
