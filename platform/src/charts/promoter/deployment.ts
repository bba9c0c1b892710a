import { ARGOCD_NAMESPACE, NAMES, PORTS, REPO_SLUG } from '../constants.ts';
import { nodeOptions, pinnedImage, pullSecrets, RESTRICTED_CONTAINER, restrictedPod } from '../k8s.ts';
import type { IDeployment } from '../kinds.ts';
import type { ImagePin, Placement } from '../placement.ts';
import { singlePodDeployment } from '../single-pod-deployment.ts';

type Labels = Record<string, string>;

export const GITHUB_APP_KEY_FILE = '/var/run/secrets/github-app/private-key.pem';
export const WEBHOOK_TOKEN_FILE = '/var/run/secrets/webhook/token';
export const ARGOCD_TOKEN_FILE = '/var/run/secrets/argocd/token';
export const ARGOCD_CA_FILE = '/var/run/secrets/argocd/ca.crt';
/** Argo CD's API as seen from the cluster (the argocd-server Service). */
export const ARGOCD_SERVER_URL = `https://argocd-server.${ARGOCD_NAMESPACE}.svc`;
const RESOURCES = { requests: { cpu: '20m', memory: '96Mi' }, limits: { cpu: '500m', memory: '256Mi' } };

/** Argo CD Application name of an environment (the ApplicationSet's naming). */
export function argocdApplication(envName: string): string {
  return `titanic-${envName}`;
}

export interface PromoterProps extends Placement {
  /** The promoter image (`promoter.image`). */
  readonly image: ImagePin;
  /** The GitHub App the bot acts as (`promoter.githubApp`). */
  readonly githubApp: { readonly appId: number; readonly installationId: number; readonly slug: string };
  /**
   * Secrets to pull the image with.
   * @default none
   */
  readonly imagePullSecrets?: readonly string[];
  /**
   * The environment has an Argo CD sync window: the bot asks Argo CD to sync a merged rollback at
   * once, with the project role token mounted from a Secret.
   * @default false
   */
  readonly syncsRollbacks?: boolean;
}

/**
 * `promoter serve`: the Alertmanager webhook that opens rollback pull requests as a GitHub App and,
 * for an environment with a sync window, asks Argo CD to sync a merged rollback outside the window.
 */
export function promoterDeployment(props: PromoterProps, labels: Labels): IDeployment {
  // One writer: two replicas would answer the same alert twice.
  return singlePodDeployment(props, NAMES.promoter, labels, {
    revisionHistoryLimit: 3,
    podSpec: {
      serviceAccountName: NAMES.promoter,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: restrictedPod(10001),
      ...pullSecrets(props.imagePullSecrets ?? []),
      containers: [
        {
          name: NAMES.promoter,
          image: pinnedImage(props.image),
          command: ['node', 'services/promoter/build/cli.js'],
          args: ['serve'],
          ports: [{ name: 'http', containerPort: PORTS.promoter, protocol: 'TCP' }],
          env: [
            { name: 'PORT', value: String(PORTS.promoter) },
            // The pod IP the Service targets, never 0.0.0.0: the metrics port stays off other interfaces.
            { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'GITHUB_REPOSITORY', value: REPO_SLUG },
            { name: 'GITHUB_APP_ID', value: String(props.githubApp.appId) },
            { name: 'GITHUB_APP_INSTALLATION_ID', value: String(props.githubApp.installationId) },
            { name: 'GITHUB_APP_PRIVATE_KEY_FILE', value: GITHUB_APP_KEY_FILE },
            { name: 'WEBHOOK_SECRET_FILE', value: WEBHOOK_TOKEN_FILE },
            // Promotions count only when the bot opened them: this App in the cluster, the
            // workflows' identity in GitHub Actions.
            { name: 'PROMOTER_LOGINS', value: `${props.githubApp.slug}[bot],github-actions[bot]` },
            // Verifies every merged change of this environment on the namespace's Prometheus.
            { name: 'VERIFY_ENV', value: props.envName },
            { name: 'PROMETHEUS_URL', value: `http://${NAMES.prometheus}:${PORTS.prometheus}` },
            ...(props.syncsRollbacks
              ? [
                  { name: 'ARGOCD_SERVER', value: ARGOCD_SERVER_URL },
                  { name: 'ARGOCD_APPLICATION', value: argocdApplication(props.envName) },
                  { name: 'ARGOCD_ENV', value: props.envName },
                  { name: 'ARGOCD_TOKEN_FILE', value: ARGOCD_TOKEN_FILE },
                  // argocd-server's certificate authority, when it is not publicly trusted.
                  { name: 'NODE_EXTRA_CA_CERTS', value: ARGOCD_CA_FILE },
                ]
              : []),
            { name: 'NODE_OPTIONS', value: nodeOptions(RESOURCES.limits.memory) },
          ],
          resources: RESOURCES,
          securityContext: RESTRICTED_CONTAINER,
          readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 20 },
          volumeMounts: [
            { name: 'github-app', mountPath: '/var/run/secrets/github-app', readOnly: true },
            { name: 'webhook', mountPath: '/var/run/secrets/webhook', readOnly: true },
            ...(props.syncsRollbacks
              ? [{ name: 'argocd', mountPath: '/var/run/secrets/argocd', readOnly: true }]
              : []),
          ],
        },
      ],
      volumes: [
        {
          name: 'github-app',
          secret: {
            secretName: NAMES.promoterGithubAppSecret,
            items: [{ key: 'private-key.pem', path: 'private-key.pem' }],
          },
        },
        {
          name: 'webhook',
          secret: { secretName: NAMES.promoterWebhookSecret, items: [{ key: 'token', path: 'token' }] },
        },
        ...(props.syncsRollbacks
          ? [
              {
                name: 'argocd',
                secret: {
                  secretName: NAMES.promoterArgocdSecret,
                  items: [{ key: 'token', path: 'token' }],
                },
              },
            ]
          : []),
      ],
    },
  });
}
