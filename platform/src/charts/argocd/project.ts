import { ARGOCD_NAMESPACE, PROJECT, REPO_URL } from '../constants.ts';
import { AppProject, type IAppProject } from '../kinds.ts';
import type { DeliveredEnvironment } from './chart.ts';

export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Every namespaced kind dist/<env>/ contains, by API group; anything else in git is refused by Argo CD. */
const NAMESPACED_KINDS_BY_GROUP: Readonly<Record<string, readonly string[]>> = {
  '': ['ConfigMap', 'PersistentVolumeClaim', 'Service', 'ServiceAccount'],
  apps: ['Deployment', 'StatefulSet'],
  autoscaling: ['HorizontalPodAutoscaler'],
  batch: ['Job'],
  'networking.k8s.io': ['Ingress', 'NetworkPolicy'],
  policy: ['PodDisruptionBudget'],
  'rbac.authorization.k8s.io': ['Role', 'RoleBinding'],
};

export const NAMESPACED_KINDS: readonly { group: string; kind: string }[] = Object.entries(
  NAMESPACED_KINDS_BY_GROUP,
).flatMap(([group, kinds]) => kinds.map((kind) => ({ group, kind })));

export function rollbackSyncRole(envName: string): string {
  return `rollback-sync-${envName}`;
}

export function appProject(
  envs: readonly DeliveredEnvironment[],
  labels: Record<string, string>,
): IAppProject {
  const windows = envs.flatMap((env) =>
    env.syncWindow
      ? [
          {
            kind: env.syncWindow.kind,
            schedule: env.syncWindow.schedule,
            duration: env.syncWindow.duration,
            timeZone: env.syncWindow.timeZone,
            manualSync: env.syncWindow.manualSync,
            applications: [`titanic-${env.envName}`],
          },
        ]
      : [],
  );
  // The promoter of a windowed environment may read and sync its own Application, nothing else:
  // a merged rollback is deployed outside the window (manual syncs stay allowed there).
  const roles = envs
    .filter((env) => env.syncWindow)
    .map((env) => ({
      name: rollbackSyncRole(env.envName),
      description: `The promoter in ${env.namespace}: syncs titanic-${env.envName} after a merged rollback.`,
      policies: ['get', 'sync'].map(
        (action) =>
          `p, proj:${PROJECT}:${rollbackSyncRole(env.envName)}, applications, ${action}, ${PROJECT}/titanic-${env.envName}, allow`,
      ),
    }));
  return AppProject({
    metadata: { name: PROJECT, namespace: ARGOCD_NAMESPACE, labels },
    spec: {
      description: 'Titanic survival prediction: one Application per environment, rendered manifests only.',
      sourceRepos: [REPO_URL],
      destinations: envs.map((env) => ({ server: IN_CLUSTER, namespace: env.namespace })),
      // CreateNamespace=true is the only cluster-scoped write.
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      namespaceResourceWhitelist: NAMESPACED_KINDS.map((k) => ({ ...k })),
      // Secrets come from the credentials Job and cert-manager, volume claims from StatefulSets:
      // expected in the namespace although not in git.
      orphanedResources: {
        warn: true,
        ignore: [
          { group: '', kind: 'Secret' },
          { group: '', kind: 'PersistentVolumeClaim' },
        ],
      },
      ...(windows.length > 0 ? { syncWindows: windows } : {}),
      ...(roles.length > 0 ? { roles } : {}),
    },
  });
}
