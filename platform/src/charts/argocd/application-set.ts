import { ARGOCD_NAMESPACE, PROJECT, REPO_BRANCH, REPO_URL } from '../constants.ts';
import { ApplicationSet, type IApplicationSet } from '../kinds.ts';
import type { DeliveredEnvironment } from './chart.ts';
import { IN_CLUSTER } from './project.ts';

/** Argo CD notifications: GitHub commit statuses on the synced revision. */
export const NOTIFICATION_SUBSCRIPTIONS: Record<string, string> = {
  'notifications.argoproj.io/subscribe.on-sync-running.github': '',
  'notifications.argoproj.io/subscribe.on-sync-succeeded.github': '',
  'notifications.argoproj.io/subscribe.on-sync-failed.github': '',
  'notifications.argoproj.io/subscribe.on-health-degraded.github': '',
  'notifications.argoproj.io/subscribe.on-deployed.github': '',
};

// Automated sync only where the environment asks for it; prod's window still gates it.
const AUTOMATED_PATCH = `{{- if .autoSync }}
spec:
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
      allowEmpty: false
{{- end }}
`;

/** One ApplicationSet with a list generator: titanic-<env> syncing dist/<env>. */
export function applicationSet(
  envs: readonly DeliveredEnvironment[],
  labels: Record<string, string>,
): IApplicationSet {
  return ApplicationSet({
    metadata: { name: 'titanic', namespace: ARGOCD_NAMESPACE, labels },
    spec: {
      goTemplate: true,
      // A typo in the template fails the render instead of producing "<no value>".
      goTemplateOptions: ['missingkey=error'],
      generators: [
        {
          list: {
            elements: envs.map((env) => ({
              env: env.envName,
              namespace: env.namespace,
              autoSync: env.autoSync,
            })),
          },
        },
      ],
      syncPolicy: { preserveResourcesOnDeletion: true },
      templatePatch: AUTOMATED_PATCH,
      template: {
        metadata: {
          name: 'titanic-{{.env}}',
          labels: { ...labels, 'titanic.ml/env': '{{.env}}' },
          annotations: { ...NOTIFICATION_SUBSCRIPTIONS },
          finalizers: ['resources-finalizer.argocd.argoproj.io'],
        },
        spec: {
          project: PROJECT,
          source: { repoURL: REPO_URL, targetRevision: REPO_BRANCH, path: 'dist/{{.env}}' },
          destination: { server: IN_CLUSTER, namespace: '{{.namespace}}' },
          syncPolicy: {
            syncOptions: ['CreateNamespace=true', 'PruneLast=true', 'PrunePropagationPolicy=foreground'],
            managedNamespaceMetadata: {
              labels: {
                'pod-security.kubernetes.io/enforce': 'restricted',
                'pod-security.kubernetes.io/enforce-version': 'v1.28',
                'app.kubernetes.io/part-of': 'titanic',
              },
            },
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
          },
          revisionHistoryLimit: 10,
        },
      },
    },
  });
}
