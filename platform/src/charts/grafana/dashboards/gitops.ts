import { type Dashboard, DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { DATASOURCE, datasourceVariable, finalize, series, table, tablePanel, timeseries } from './common.ts';

export const GITOPS_UID = 'titanic-gitops';

/** Names of the Argo CD applications of this repository (one per environment, from the ApplicationSet). */
const APPS = 'dest_namespace=~"titanic-.*"';

/** What Argo CD has deployed per environment, what the pods actually serve, and what is firing. */
export function gitopsDashboard(): Dashboard {
  const dashboard = new DashboardBuilder('Titanic GitOps: sync, versions and alerts')
    .uid(GITOPS_UID)
    .description(
      'Argo CD sync and health per environment, the model and image each environment serves, firing alerts.',
    )
    .tags(['titanic', 'gitops', 'argocd', 'generated'])
    .refresh('1m')
    .time({ from: 'now-24h', to: 'now' })
    .timezone('utc')
    .readonly()
    .withVariable(datasourceVariable())
    .withRow(new RowBuilder('Argo CD'))
    .withPanel(
      tablePanel(
        'Sync and health status per environment',
        'One row per Argo CD application: the environment namespace it deploys and its current sync and health status.',
      ).withTarget(
        table(`max by (name, dest_namespace, sync_status, health_status) (argocd_app_info{${APPS}})`),
      ),
    )
    .withPanel(
      new StatPanel()
        .title('Applications by sync status')
        .description('Count of applications Synced, OutOfSync or Unknown.')
        .datasource(DATASOURCE)
        .height(8)
        .span(6)
        .withTarget(series(`count by (sync_status) (argocd_app_info{${APPS}})`, '{{sync_status}}')),
    )
    .withPanel(
      new StatPanel()
        .title('Applications by health status')
        .description('Count of applications Healthy, Progressing, Degraded, Missing.')
        .datasource(DATASOURCE)
        .height(8)
        .span(6)
        .withTarget(series(`count by (health_status) (argocd_app_info{${APPS}})`, '{{health_status}}')),
    )
    .withPanel(
      new StateTimelinePanel()
        .title('Health status over time per application')
        .description('Which health status each application reported, over the selected range.')
        .datasource(DATASOURCE)
        .height(8)
        .span(24)
        .withTarget(
          series(`max by (name, health_status) (argocd_app_info{${APPS}})`, '{{name}} {{health_status}}'),
        ),
    )
    .withPanel(
      timeseries(
        'Argo CD syncs per hour by application and result',
        'argocd_app_sync_total: every sync Argo CD ran, by phase (Succeeded, Failed, Error).',
        'short',
      )
        .span(24)
        .withTarget(
          series(
            'sum by (name, phase) (increase(argocd_app_sync_total{name=~"titanic-.*"}[1h]))',
            '{{name}} {{phase}}',
          ),
        ),
    )
    .withRow(new RowBuilder('Served versions and alerts'))
    .withPanel(
      tablePanel(
        'Model and image version actually served per environment',
        'From titanic_model_info on the inference pods: the number of pods per environment, model version and image.',
      ).withTarget(table('count by (env, version, image) (titanic_model_info{job="inference"})')),
    )
    .withPanel(
      tablePanel(
        'Alerts firing now, with environment and rollback flag',
        'Every alert Prometheus currently fires, with its environment, model version, severity and rollback flag.',
      ).withTarget(
        table('max by (alertname, env, model_version, severity, rollback) (ALERTS{alertstate="firing"})'),
      ),
    )
    .build();
  return finalize(dashboard);
}
