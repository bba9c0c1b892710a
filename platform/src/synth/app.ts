import type { App, Chart } from 'cdk8s';
import { ArgoCdChart } from '../charts/argocd/chart.ts';
import { GrafanaChart } from '../charts/grafana/chart.ts';
import { dashboards } from '../charts/grafana/dashboards/index.ts';
import { InferenceChart } from '../charts/inference/chart.ts';
import { NamespaceChart } from '../charts/namespace/chart.ts';
import { PostgresChart } from '../charts/postgres/chart.ts';
import { PrometheusChart } from '../charts/prometheus/chart.ts';
import { PromoterChart } from '../charts/promoter/chart.ts';
import type { Environment } from '../environments/schema.ts';
import type { PinnedModel } from './models.ts';

export interface ChartFile {
  /** Folder under dist/: the environment name or `argocd`. */
  readonly folder: string;
  /** File name inside the folder. */
  readonly file: string;
  readonly chart: Chart;
}

export interface EnvironmentInputs {
  readonly env: Environment;
  readonly model: PinnedModel;
}

/** Adds every chart to the app; chart ids are `<folder>-<component>` so `cdk8s synth` names match. */
export function buildCharts(app: App, inputs: readonly EnvironmentInputs[]): ChartFile[] {
  const out: ChartFile[] = [];
  // Dashboards do not depend on the environment: build them once.
  const boards = dashboards();
  for (const { env, model } of inputs) {
    const add = (file: string, make: (id: string) => Chart) =>
      out.push({ folder: env.name, file, chart: make(`${env.name}-${file.replace(/\.yaml$/, '')}`) });
    const placement = { envName: env.name, namespace: env.namespace };
    const pullSecrets = env.imagePullSecrets;
    add(
      'namespace.yaml',
      (id) =>
        new NamespaceChart(app, id, {
          ...placement,
          promoterWebhookUrl: env.monitoring.promoterWebhookUrl,
          pager: env.monitoring.pager,
        }),
    );
    add(
      'postgres.yaml',
      (id) =>
        new PostgresChart(app, id, {
          ...placement,
          ...env.postgres,
          generatorImage: env.promoter.image,
          imagePullSecrets: pullSecrets,
        }),
    );
    add(
      'inference.yaml',
      (id) =>
        new InferenceChart(app, id, {
          ...placement,
          image: env.image,
          model: env.model,
          inference: env.inference,
          host: env.host,
          ingress: env.ingress,
          imagePullSecrets: pullSecrets,
          // Prod must survive a node loss; smaller environments may share nodes.
          requireNodeSpread: env.name === 'prod',
          modelMetadata: model.text,
        }),
    );
    add(
      'prometheus.yaml',
      (id) =>
        new PrometheusChart(app, id, {
          ...placement,
          monitoring: env.monitoring,
          modelVersion: env.model.version,
          trainingPositiveRate: model.trainingPositiveRate,
          promoterUrl: env.monitoring.promoterWebhookUrl,
        }),
    );
    add(
      'grafana.yaml',
      (id) =>
        new GrafanaChart(app, id, {
          ...placement,
          host: env.monitoring.grafanaHost,
          ingress: env.ingress,
          dashboards: boards,
        }),
    );
    add(
      'promoter.yaml',
      (id) =>
        new PromoterChart(app, id, {
          ...placement,
          image: env.promoter.image,
          githubApp: env.promoter.githubApp,
          imagePullSecrets: pullSecrets,
          syncsRollbacks: env.argocd.syncWindow !== undefined,
        }),
    );
  }
  const envs = inputs.map(({ env }) => ({
    envName: env.name,
    namespace: env.namespace,
    autoSync: env.argocd.autoSync,
    syncWindow: env.argocd.syncWindow,
  }));
  out.push({ folder: 'argocd', file: 'argocd.yaml', chart: new ArgoCdChart(app, 'argocd', { envs }) });
  return out;
}
