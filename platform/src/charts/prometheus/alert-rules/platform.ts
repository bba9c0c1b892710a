import type { RuleContext } from './context.ts';
import { JOBS } from './selectors.ts';
import type { AlertDefinition } from './types.ts';

/** The prediction-log database and the Argo CD application that deploys the environment. */
export function platformAlerts({ env }: RuleContext): AlertDefinition[] {
  const app = `argocd_app_info{dest_namespace="${env.namespace}"`;
  return [
    {
      alert: 'PostgresDown',
      // absent(): an exporter that is gone is as bad as one that reports the database down.
      expr: `max by (env) (pg_up{job="${JOBS.postgres}",env="${env.name}"}) == 0 or absent(pg_up{job="${JOBS.postgres}",env="${env.name}"})`,
      for: '2m',
      severity: 'critical',
      rollback: false,
      modelVersion: false,
      summary: () => `Postgres is down in ${env.name}`,
      description: () =>
        `postgres_exporter cannot reach the prediction-log database in ${env.name} (pg_up is 0 or missing); ` +
        'predictions continue, their log rows queue and then drop.',
    },
    {
      alert: 'ArgoCDAppOutOfSync',
      expr: `max by (name, dest_namespace) (${app},sync_status="OutOfSync"}) == 1`,
      for: '30m',
      severity: 'warning',
      rollback: false,
      modelVersion: false,
      summary: (x) => `Argo CD application ${x.label('name')} is OutOfSync`,
      description: (x) =>
        `The Argo CD application ${x.label('name')} deploying ${x.label('dest_namespace')} has not matched ` +
        'dist/ in git for 30 minutes: a merged change is not live (sync window closed, sync failed, or manual drift).',
    },
    {
      alert: 'ArgoCDAppDegraded',
      expr: `max by (name, dest_namespace) (${app},health_status="Degraded"}) == 1`,
      for: '5m',
      severity: 'critical',
      rollback: false,
      modelVersion: false,
      summary: (x) => `Argo CD application ${x.label('name')} is Degraded`,
      description: (x) =>
        `Argo CD reports the application ${x.label('name')} in ${x.label('dest_namespace')} as Degraded: ` +
        'a resource failed (crash-looping pod, failed rollout, unbound volume).',
    },
  ];
}
