import type { Construct } from 'constructs';
import type { Environment } from '../../environments/schema.ts';
import { IMAGES, NAMES, PORTS, WAVES } from '../constants.ts';
import { EnvironmentChart } from '../environment-chart.ts';
import { httpService } from '../http-service.ts';
import { UPSTREAM } from '../images.ts';
import {
  configHash,
  configYaml,
  emit,
  RESTRICTED_CONTAINER,
  restrictedPod,
  SYNC_WAVE,
  secretEnv,
} from '../k8s.ts';
import { ConfigMap, Deployment, type IDeployment, Ingress } from '../kinds.ts';
import { selectorLabels } from '../labels.ts';
import type { Placement } from '../placement.ts';
import { dashboards } from './dashboards/index.ts';
import { grafanaDashboardProvider, grafanaDatasources } from './provisioning.ts';

export interface GrafanaChartProps extends Placement {
  /**
   * Public host of Grafana (`monitoring.grafanaHost`): an Ingress and Grafana's root URL.
   * @default no Ingress: reach Grafana with a port-forward
   */
  readonly host?: string | undefined;
  /** The environment's ingress controller class and TLS (`ingress`), used when `host` is set. */
  readonly ingress: Pick<Environment['ingress'], 'className' | 'tls'>;
  /**
   * File name → dashboard JSON; pass it to build the dashboards once for all environments.
   * @default dashboards()
   */
  readonly dashboards?: Record<string, unknown>;
}

/** Grafana with the environment's Prometheus as datasource and the dashboards from code. */
export class GrafanaChart extends EnvironmentChart {
  constructor(scope: Construct, id: string, props: GrafanaChartProps) {
    super(scope, id, props);
    const ns = props.namespace;
    const meta = this.labelsFor({
      name: NAMES.grafana,
      version: UPSTREAM.grafana.tag,
      component: 'dashboards',
    });
    const boards = Object.fromEntries(
      Object.entries(props.dashboards ?? dashboards())
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([file, json]) => [file, `${JSON.stringify(json, null, 2)}\n`]),
    );
    const datasources = configYaml(grafanaDatasources(ns));
    const provider = configYaml(grafanaDashboardProvider());
    const hash = configHash(datasources, provider, ...Object.values(boards));

    emit(
      this,
      ConfigMap({
        metadata: { name: 'grafana-datasources', namespace: ns, labels: meta },
        data: { 'datasources.yaml': datasources },
      }),
    );
    emit(
      this,
      ConfigMap({
        metadata: { name: 'grafana-dashboard-provider', namespace: ns, labels: meta },
        data: { 'provider.yaml': provider },
      }),
    );
    emit(
      this,
      ConfigMap({ metadata: { name: 'grafana-dashboards', namespace: ns, labels: meta }, data: boards }),
    );
    emit(this, grafanaDeployment(props, meta, hash));
    emit(this, httpService(props, NAMES.grafana, PORTS.grafana, meta));
    const host = props.host;
    if (host) {
      const tls = props.ingress.tls;
      emit(
        this,
        Ingress({
          metadata: {
            name: NAMES.grafana,
            namespace: ns,
            labels: meta,
            annotations: {
              [SYNC_WAVE]: WAVES.edge,
              ...(tls?.clusterIssuer ? { 'cert-manager.io/cluster-issuer': tls.clusterIssuer } : {}),
              ...(tls ? { 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' } : {}),
            },
          },
          spec: {
            ingressClassName: props.ingress.className,
            ...(tls ? { tls: [{ hosts: [host], secretName: `${NAMES.grafana}-tls` }] } : {}),
            rules: [
              {
                host,
                http: {
                  paths: [
                    {
                      path: '/',
                      pathType: 'Prefix',
                      backend: { service: { name: NAMES.grafana, port: { name: 'http' } } },
                    },
                  ],
                },
              },
            ],
          },
        }),
      );
    }
  }
}

/** Grafana's settings: its paths, no anonymous access, no calls home. */
const SETTINGS: Readonly<Record<string, string>> = {
  GF_PATHS_DATA: '/var/lib/grafana',
  GF_PATHS_PROVISIONING: '/etc/grafana/provisioning',
  GF_AUTH_ANONYMOUS_ENABLED: 'false',
  GF_ANALYTICS_REPORTING_ENABLED: 'false',
  GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
};

function grafanaDeployment(
  props: GrafanaChartProps,
  meta: Record<string, string>,
  configHash: string,
): IDeployment {
  const mount = (name: string, mountPath: string) => ({ name, mountPath, readOnly: true });
  const settings = {
    ...SETTINGS,
    ...(props.host ? { GF_SERVER_ROOT_URL: `${props.ingress.tls ? 'https' : 'http'}://${props.host}/` } : {}),
  };
  return Deployment({
    metadata: { name: NAMES.grafana, namespace: props.namespace, labels: meta },
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorLabels({ name: NAMES.grafana, env: props.envName }) },
      template: {
        metadata: { labels: meta, annotations: { 'titanic.ml/config-hash': configHash } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPod(472),
          containers: [
            {
              name: NAMES.grafana,
              image: IMAGES.grafana,
              ports: [{ name: 'http', containerPort: PORTS.grafana, protocol: 'TCP' }],
              env: [
                secretEnv('GF_SECURITY_ADMIN_USER', NAMES.grafanaSecret, 'admin-user'),
                secretEnv('GF_SECURITY_ADMIN_PASSWORD', NAMES.grafanaSecret, 'admin-password'),
                ...Object.entries(settings).map(([name, value]) => ({ name, value })),
              ],
              resources: {
                requests: { cpu: '50m', memory: '128Mi' },
                limits: { cpu: '500m', memory: '256Mi' },
              },
              securityContext: RESTRICTED_CONTAINER,
              readinessProbe: { httpGet: { path: '/api/health', port: 'http' }, periodSeconds: 10 },
              livenessProbe: {
                httpGet: { path: '/api/health', port: 'http' },
                periodSeconds: 30,
                failureThreshold: 5,
              },
              volumeMounts: [
                mount('datasources', '/etc/grafana/provisioning/datasources'),
                mount('provider', '/etc/grafana/provisioning/dashboards'),
                mount('dashboards', '/var/lib/grafana-dashboards'),
                { name: 'data', mountPath: '/var/lib/grafana' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
          ],
          volumes: [
            { name: 'datasources', configMap: { name: 'grafana-datasources' } },
            { name: 'provider', configMap: { name: 'grafana-dashboard-provider' } },
            { name: 'dashboards', configMap: { name: 'grafana-dashboards' } },
            // Dashboards and datasources come from git; local state is disposable.
            { name: 'data', emptyDir: { sizeLimit: '512Mi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  });
}
