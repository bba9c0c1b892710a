import { postgresImage, UPSTREAM, upstreamRef } from './images.ts';

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
  argocdServer: 8080,
  dns: 53,
} as const;

/** Upstream images by digest (see images.ts for where each digest came from). */
export const IMAGES = {
  postgres: (version: string) => upstreamRef(postgresImage(version)),
  postgresExporter: upstreamRef(UPSTREAM.postgresExporter),
  prometheus: upstreamRef(UPSTREAM.prometheus),
  alertmanager: upstreamRef(UPSTREAM.alertmanager),
  grafana: upstreamRef(UPSTREAM.grafana),
  busybox: upstreamRef(UPSTREAM.busybox),
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
  promoter: 'promoter',
  promoterGithubAppSecret: 'promoter-github-app',
  promoterArgocdSecret: 'promoter-argocd-token',
} as const;

/**
 * Names a fork changes, all here: the Git repository Argo CD syncs and the promoter writes to, and
 * the registry the release workflow pushes to (also the image names in .github/workflows/release.yml and the
 * `image.repository` keys of environments/*.yaml). Hosts are per environment in environments/*.yaml.
 */
export const REPO_SLUG = 'titanic-ml/titanic-gitops';
export const REPO_URL = `https://github.com/${REPO_SLUG}.git`;
export const IMAGE_REGISTRY = 'ghcr.io/titanic-ml';
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
