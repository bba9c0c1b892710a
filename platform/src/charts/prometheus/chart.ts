import type { Construct } from 'constructs';
import type { Environment } from '../../environments/schema.ts';
import { NAMES } from '../constants.ts';
import { EnvironmentChart } from '../environment-chart.ts';
import { UPSTREAM } from '../images.ts';
import { configHash, configYaml, emit } from '../k8s.ts';
import { ConfigMap } from '../kinds.ts';
import type { Placement } from '../placement.ts';
import { alertRules } from './alert-rules.ts';
import {
  ALERTMANAGER_CONFIG_MAP,
  alertmanagerDeployment,
  alertmanagerService,
  PAGER_SECRET_FILE,
  WEBHOOK_TOKEN_FILE,
} from './alertmanager.ts';
import { alertmanagerConfig } from './alertmanager-config.ts';
import { prometheusConfig } from './config.ts';
import {
  PROMETHEUS_CONFIG_MAP,
  PROMETHEUS_RULES_MAP,
  prometheusDeployment,
  prometheusRbac,
  prometheusService,
  prometheusStorage,
  RULES_DIR,
} from './server.ts';

export interface PrometheusChartProps extends Placement {
  /** Retention, storage, alert thresholds and the pager (`monitoring`). */
  readonly monitoring: Pick<Environment['monitoring'], 'retention' | 'storage' | 'alerts' | 'pager'>;
  /** The served model version (`model.version`), named in model alerts. */
  readonly modelVersion: string;
  /** From the pinned model's model.json: the baseline of the prediction-shift alert. */
  readonly trainingPositiveRate: number;
  /** Live-Brier margin and label minimum (`liveQuality`). */
  readonly liveQuality: Pick<Environment['liveQuality'], 'brierMargin' | 'minLabels'>;
  /**
   * Where Alertmanager sends rollback alerts (`monitoring.promoterWebhookUrl`).
   * @default the promoter Service in the environment's namespace
   */
  readonly promoterUrl?: string | undefined;
}

/** Prometheus scraping this namespace, its alert rules, and Alertmanager routing to the promoter. */
export class PrometheusChart extends EnvironmentChart {
  constructor(scope: Construct, id: string, props: PrometheusChartProps) {
    super(scope, id, props);
    const ns = props.namespace;
    const { monitoring } = props;
    const prom = this.labelsFor({
      name: NAMES.prometheus,
      version: UPSTREAM.prometheus.tag.slice(1),
      component: 'monitoring',
    });
    const am = this.labelsFor({
      name: NAMES.alertmanager,
      version: UPSTREAM.alertmanager.tag.slice(1),
      component: 'alerting',
    });

    const config = configYaml(
      prometheusConfig({ env: props.envName, namespace: ns, ruleFiles: [`${RULES_DIR}/*.yaml`] }),
    );
    const alerted = {
      name: props.envName,
      namespace: ns,
      model: { version: props.modelVersion },
      monitoring,
      liveQuality: props.liveQuality,
    };
    const rules = configYaml(alertRules(alerted, { trainingPositiveRate: props.trainingPositiveRate }));
    const amConfig = configYaml(
      alertmanagerConfig({
        namespace: ns,
        promoterUrl: props.promoterUrl,
        credentialsFile: WEBHOOK_TOKEN_FILE,
        pager: monitoring.pager,
        pagerSecretFile: PAGER_SECRET_FILE,
      }),
    );

    const server = { ...props, retention: monitoring.retention, storage: monitoring.storage };
    for (const o of prometheusRbac(server, prom)) emit(this, o);
    emit(
      this,
      ConfigMap({
        metadata: { name: PROMETHEUS_CONFIG_MAP, namespace: ns, labels: prom },
        data: { 'prometheus.yml': config },
      }),
    );
    emit(
      this,
      ConfigMap({
        metadata: { name: PROMETHEUS_RULES_MAP, namespace: ns, labels: prom },
        data: { 'titanic.yaml': rules },
      }),
    );
    emit(this, prometheusStorage(server, prom));
    // No config hash on the pod: the reloader sidecar applies changed rules and configuration
    // in place, so a promotion (new rules) never restarts Prometheus or leaves a scrape gap.
    emit(this, prometheusDeployment(server, prom));
    emit(this, prometheusService(server, prom));
    emit(
      this,
      ConfigMap({
        metadata: { name: ALERTMANAGER_CONFIG_MAP, namespace: ns, labels: am },
        data: { 'alertmanager.yml': amConfig },
      }),
    );
    emit(
      this,
      alertmanagerDeployment({ ...props, pagerSecret: monitoring.pager.secret }, am, configHash(amConfig)),
    );
    emit(this, alertmanagerService(props, am));
  }
}
