import { NAMES, PORTS } from '../constants.ts';
import { pinnedImage, pullSecrets, RESTRICTED_CONTAINER, restrictedPod, SYNC_WAVE } from '../k8s.ts';
import { Job, Role, RoleBinding, ServiceAccount } from '../kinds.ts';
import type { ImagePin, Placement } from '../placement.ts';

type Labels = Record<string, string>;

/** Secrets the generator owns: it creates each one only when absent and never rotates. */
export function generatedSecrets(envName: string): string[] {
  return [
    NAMES.postgresSecret,
    NAMES.inferenceDatabaseSecret,
    NAMES.grafanaSecret,
    NAMES.promoterWebhookSecret,
    ...(apiKeysByDefault(envName) ? [NAMES.inferenceApiKeysSecret] : []),
  ];
}

/** Staging and prod serve only to clients holding a key unless an operator provides other keys. */
export function apiKeysByDefault(envName: string): boolean {
  return envName !== 'dev';
}

export interface CredentialsGeneratorProps extends Placement {
  /** The image that carries the generator: the promoter's (`promoter.image`). */
  readonly image: ImagePin;
  /**
   * Secrets to pull the image with.
   * @default none
   */
  readonly imagePullSecrets?: readonly string[];
}

const HOOK = {
  'argocd.argoproj.io/hook': 'PreSync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
};
// RBAC must exist before the Job in the same hook phase; keep it between syncs for re-runs.
const RBAC_HOOK = {
  'argocd.argoproj.io/hook': 'PreSync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
};

/**
 * An Argo CD PreSync Job that creates the environment's credentials in-cluster when absent: a fresh
 * cluster works without editing git, and no secret value ever exists outside the cluster.
 */
export function credentialsGenerator(props: CredentialsGeneratorProps, labels: Labels) {
  const meta = (name: string, annotations: Record<string, string>) => ({
    name,
    namespace: props.namespace,
    labels,
    annotations: { ...annotations, [SYNC_WAVE]: '-3' },
  });
  const serviceAccount = ServiceAccount({
    metadata: meta(NAMES.secretsJob, RBAC_HOOK),
    automountServiceAccountToken: false,
  });
  const role = Role({
    metadata: meta(NAMES.secretsJob, RBAC_HOOK),
    rules: [
      // Creating answers 409 for an existing Secret, so the Job never reads one. It deletes only the
      // database URL (replaced with a new password); `create` cannot be narrowed by name in RBAC.
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: [NAMES.inferenceDatabaseSecret],
        verbs: ['delete'],
      },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ],
  });
  const binding = RoleBinding({
    metadata: meta(NAMES.secretsJob, RBAC_HOOK),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAMES.secretsJob },
    subjects: [{ kind: 'ServiceAccount', name: NAMES.secretsJob, namespace: props.namespace }],
  });
  const job = Job({
    metadata: { ...meta(NAMES.secretsJob, HOOK), annotations: { ...HOOK, [SYNC_WAVE]: '-2' } },
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 300,
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: NAMES.secretsJob,
          // The one pod here that talks to the API server mounts the token explicitly.
          automountServiceAccountToken: true,
          restartPolicy: 'Never',
          securityContext: restrictedPod(10001),
          ...pullSecrets(props.imagePullSecrets ?? []),
          containers: [
            {
              name: 'generate',
              // The promoter image carries the generator and the official Kubernetes client.
              image: pinnedImage(props.image),
              command: ['node', 'services/promoter/build/credentials.js'],
              env: [
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'POSTGRES_HOST', value: `${NAMES.postgres}.${props.namespace}.svc` },
                { name: 'POSTGRES_PORT', value: String(PORTS.postgres) },
                ...(apiKeysByDefault(props.envName) ? [{ name: 'API_KEYS', value: 'generate' }] : []),
              ],
              securityContext: RESTRICTED_CONTAINER,
              resources: {
                requests: { cpu: '10m', memory: '64Mi' },
                limits: { cpu: '200m', memory: '128Mi' },
              },
            },
          ],
        },
      },
    },
  });
  return [serviceAccount, role, binding, job];
}
