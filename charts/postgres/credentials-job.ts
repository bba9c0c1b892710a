import type { Environment } from '../../environments/schema.ts';
import { IMAGES, NAMES, PORTS } from '../constants.ts';
import { RESTRICTED_CONTAINER, restrictedPod, SYNC_WAVE } from '../k8s.ts';
import { Job, Role, RoleBinding, ServiceAccount } from '../kinds.ts';

type Labels = Record<string, string>;

/** Secrets the generator owns: it creates each one only when absent and never rotates. */
export const GENERATED_SECRETS = [
  NAMES.postgresSecret,
  NAMES.inferenceDatabaseSecret,
  NAMES.grafanaSecret,
  NAMES.promoterWebhookSecret,
] as const;

const HOOK = {
  'argocd.argoproj.io/hook': 'PreSync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation,HookSucceeded',
};
// RBAC must exist before the Job in the same hook phase; keep it between syncs for re-runs.
const RBAC_HOOK = {
  'argocd.argoproj.io/hook': 'PreSync',
  'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
};

function script(env: Environment): string {
  const url = `postgresql://titanic:$pw@${NAMES.postgres}.${env.namespace}.svc:${PORTS.postgres}/titanic?sslmode=disable`;
  return [
    'set -eu',
    'gen() { head -c 64 /dev/urandom | base64 | tr -dc A-Za-z0-9 | head -c 32; }',
    // Postgres and the inference URL share one password, so they are created together.
    `if ! kubectl get secret ${NAMES.postgresSecret} >/dev/null 2>&1; then`,
    '  pw=$(gen)',
    `  kubectl create secret generic ${NAMES.postgresSecret} --from-literal=username=titanic --from-literal=password="$pw"`,
    `  kubectl delete secret ${NAMES.inferenceDatabaseSecret} --ignore-not-found`,
    `  kubectl create secret generic ${NAMES.inferenceDatabaseSecret} --from-literal=url="${url}"`,
    'fi',
    `if ! kubectl get secret ${NAMES.grafanaSecret} >/dev/null 2>&1; then`,
    `  kubectl create secret generic ${NAMES.grafanaSecret} --from-literal=admin-user=admin --from-literal=admin-password="$(gen)"`,
    'fi',
    `if ! kubectl get secret ${NAMES.promoterWebhookSecret} >/dev/null 2>&1; then`,
    `  kubectl create secret generic ${NAMES.promoterWebhookSecret} --from-literal=token="$(gen)"`,
    'fi',
    'echo "credentials present"',
  ].join('\n');
}

/**
 * An Argo CD PreSync Job that creates the environment's credentials in-cluster when absent: a fresh
 * cluster works without editing git, and no secret value ever exists outside the cluster.
 */
export function credentialsGenerator(env: Environment, labels: Labels) {
  const meta = (name: string, annotations: Record<string, string>) => ({
    name,
    namespace: env.namespace,
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
      // Read only the Secrets it manages; `create` cannot be narrowed by name in RBAC.
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: [...GENERATED_SECRETS],
        verbs: ['get', 'delete'],
      },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ],
  });
  const binding = RoleBinding({
    metadata: meta(NAMES.secretsJob, RBAC_HOOK),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAMES.secretsJob },
    subjects: [{ kind: 'ServiceAccount', name: NAMES.secretsJob, namespace: env.namespace }],
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
          securityContext: restrictedPod(1001),
          containers: [
            {
              name: 'generate',
              image: IMAGES.kubectl,
              command: ['/bin/bash', '-c', script(env)],
              env: [{ name: 'HOME', value: '/tmp' }],
              securityContext: RESTRICTED_CONTAINER,
              resources: {
                requests: { cpu: '10m', memory: '32Mi' },
                limits: { cpu: '200m', memory: '128Mi' },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }],
        },
      },
    },
  });
  return [serviceAccount, role, binding, job];
}
