/** Ports fixed by the services' contracts. */
export const PORTS = {
  inference: 8080,
  /** /metrics only: the Ingress routes to `inference`, never here. */
  inferenceMetrics: 9464,
  postgres: 5432,
  postgresExporter: 9187,
  prometheus: 9090,
  alertmanager: 9093,
  grafana: 3000,
  promoter: 8090,
  argocdMetrics: 8082,
  dns: 53,
} as const;

/** Third-party images, pinned to a release (never `latest`). Bump deliberately, one PR each. */
export const IMAGES = {
  postgres: (version: string) => `docker.io/library/postgres:${version}`,
  postgresExporter: 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0',
  prometheus: 'quay.io/prometheus/prometheus:v2.53.2',
  alertmanager: 'quay.io/prometheus/alertmanager:v0.27.0',
  grafana: 'docker.io/grafana/grafana:11.2.0',
  /** Used by the credentials generator Job: kubectl plus a shell and openssl. */
  kubectl: 'docker.io/bitnami/kubectl:1.28.13',
} as const;

/** Fixed object names inside each environment namespace. */
export const NAMES = {
  inference: 'inference',
  postgres: 'postgres',
  postgresSecret: 'postgres-credentials',
  inferenceDatabaseSecret: 'inference-database',
  inferenceApiKeysSecret: 'inference-api-keys',
  prometheus: 'prometheus',
  alertmanager: 'alertmanager',
  promoterWebhookSecret: 'promoter-webhook-token',
  grafana: 'grafana',
  grafanaSecret: 'grafana-admin',
  secretsJob: 'generate-credentials',
} as const;

export const REPO_URL = 'https://github.com/titanic-ml/titanic-gitops.git';
export const REPO_BRANCH = 'main';
export const ARGOCD_NAMESPACE = 'argocd';
export const PROJECT = 'titanic';
export const PART_OF = 'titanic';

/** Argo CD sync waves: credentials, then Postgres, then the service, then what routes to it. */
export const WAVES = {
  secrets: '-2',
  postgres: '-1',
  service: '0',
  edge: '1',
} as const;
