import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import { ARGOCD_NAMESPACE, NAMES, PORTS } from '../constants.ts';
import { type INetworkPolicy, NetworkPolicy } from '../kinds.ts';
import { LABEL_NAME } from '../labels.ts';
import type { Placement } from '../placement.ts';

export interface NetworkPoliciesProps extends Placement {
  /**
   * Where Alertmanager sends rollback alerts (`monitoring.promoterWebhookUrl`).
   * @default the promoter of this namespace, port 8090
   */
  readonly promoterWebhookUrl?: string | undefined;
  /** The human pager (`monitoring.pager`); only its e-mail relay changes the egress port. */
  readonly pager: {
    /** @default no e-mail: the pager is reached over HTTPS (Slack, PagerDuty, a webhook) */
    readonly email?: { readonly smarthost: string } | undefined;
  };
}

type Labels = Record<string, string>;
const NS_NAME = 'kubernetes.io/metadata.name';

const app = (name: string): INetworkPolicyPeer => ({ podSelector: { matchLabels: { [LABEL_NAME]: name } } });
const tcp = (port: number): INetworkPolicyPort => ({ protocol: 'TCP', port });

interface Rule {
  readonly name: string;
  readonly pod: string;
  readonly from?: readonly { peers: INetworkPolicyPeer[]; ports: INetworkPolicyPort[] }[];
  readonly to?: readonly { peers: INetworkPolicyPeer[]; ports: INetworkPolicyPort[] }[];
}

function policy(placement: Placement, labels: Labels, rule: Rule): INetworkPolicy {
  const types: ('Ingress' | 'Egress')[] = [];
  if (rule.from) types.push('Ingress');
  if (rule.to) types.push('Egress');
  return NetworkPolicy({
    metadata: { name: rule.name, namespace: placement.namespace, labels },
    spec: {
      podSelector: rule.pod === '' ? {} : { matchLabels: { [LABEL_NAME]: rule.pod } },
      policyTypes: types,
      ...(rule.from ? { ingress: rule.from.map((r) => ({ from: r.peers, ports: r.ports })) } : {}),
      ...(rule.to ? { egress: rule.to.map((r) => ({ to: r.peers, ports: r.ports })) } : {}),
    },
  });
}

/** The promoter of this namespace (port 8090) unless the environment points at an outside URL. */
function promoterEgress(url: string | undefined): {
  peers: INetworkPolicyPeer[];
  ports: INetworkPolicyPort[];
} {
  if (!url) return { peers: [app(NAMES.promoter)], ports: [tcp(PORTS.promoter)] };
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  return { peers: [], ports: [tcp(port)] };
}

/** The pager is outside the cluster: HTTPS (Slack, PagerDuty, webhook) or the SMTP port. */
function pagerEgress(pager: NetworkPoliciesProps['pager']): {
  peers: INetworkPolicyPeer[];
  ports: INetworkPolicyPort[];
} {
  const { email } = pager;
  return { peers: [], ports: [tcp(email ? Number(email.smarthost.split(':')[1]) : 443)] };
}

/**
 * Default deny for the namespace, then one allow per real flow: ingress controller → inference,
 * inference → Postgres, Prometheus → metrics ports, Prometheus → Alertmanager → promoter,
 * Grafana → Prometheus, everything → DNS. The generator Job talks to the API server.
 */
export function networkPolicies(props: NetworkPoliciesProps, labels: Labels): INetworkPolicy[] {
  const dns = {
    peers: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [
      { protocol: 'UDP', port: PORTS.dns },
      { protocol: 'TCP', port: PORTS.dns },
    ] satisfies INetworkPolicyPort[],
  };
  const ingressController = { namespaceSelector: { matchLabels: { [NS_NAME]: 'ingress-nginx' } } };
  const defaultDeny = NetworkPolicy({
    metadata: { name: 'default-deny', namespace: props.namespace, labels },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
  return [
    defaultDeny,
    policy(props, labels, {
      name: 'allow-dns',
      pod: '',
      to: [dns],
    }),
    policy(props, labels, {
      name: 'inference',
      pod: NAMES.inference,
      from: [
        { peers: [ingressController], ports: [tcp(PORTS.inference)] },
        { peers: [app(NAMES.prometheus)], ports: [tcp(PORTS.inferenceMetrics)] },
      ],
      to: [{ peers: [app(NAMES.postgres)], ports: [tcp(PORTS.postgres)] }],
    }),
    policy(props, labels, {
      name: 'postgres',
      pod: NAMES.postgres,
      from: [
        { peers: [app(NAMES.inference)], ports: [tcp(PORTS.postgres)] },
        { peers: [app(NAMES.prometheus)], ports: [tcp(PORTS.postgresExporter)] },
      ],
    }),
    policy(props, labels, {
      name: 'prometheus',
      pod: NAMES.prometheus,
      from: [
        { peers: [app(NAMES.grafana)], ports: [tcp(PORTS.prometheus)] },
        // The promoter reads the verification signals (argocd_app_info, ALERTS, the service's metrics).
        { peers: [app(NAMES.promoter)], ports: [tcp(PORTS.prometheus)] },
      ],
      to: [
        { peers: [app(NAMES.inference)], ports: [tcp(PORTS.inferenceMetrics)] },
        { peers: [app(NAMES.postgres)], ports: [tcp(PORTS.postgresExporter)] },
        { peers: [app(NAMES.alertmanager)], ports: [tcp(PORTS.alertmanager)] },
        {
          peers: [{ namespaceSelector: { matchLabels: { [NS_NAME]: ARGOCD_NAMESPACE } } }],
          ports: [tcp(PORTS.argocdMetrics)],
        },
        // Pod discovery reads the API server; its address is cluster specific, so allow 443/6443.
        { peers: [], ports: [tcp(443), tcp(6443)] },
      ],
    }),
    policy(props, labels, {
      name: 'alertmanager',
      pod: NAMES.alertmanager,
      from: [{ peers: [app(NAMES.prometheus)], ports: [tcp(PORTS.alertmanager)] }],
      to: [promoterEgress(props.promoterWebhookUrl), pagerEgress(props.pager)],
    }),
    policy(props, labels, {
      name: 'promoter',
      pod: NAMES.promoter,
      // Only Alertmanager may post alerts; the webhook also checks its bearer token.
      from: [{ peers: [app(NAMES.alertmanager)], ports: [tcp(PORTS.promoter)] }],
      to: [
        // GitHub's API and the image registry (digest lookups) are outside the cluster.
        { peers: [], ports: [tcp(443)] },
        { peers: [app(NAMES.prometheus)], ports: [tcp(PORTS.prometheus)] },
        // Argo CD's API (argocd-server listens on 8080 behind its Service) for rollback syncs.
        {
          peers: [{ namespaceSelector: { matchLabels: { [NS_NAME]: ARGOCD_NAMESPACE } } }],
          ports: [tcp(PORTS.argocdServer)],
        },
      ],
    }),
    policy(props, labels, {
      name: 'grafana',
      pod: NAMES.grafana,
      from: [{ peers: [ingressController], ports: [tcp(PORTS.grafana)] }],
      to: [{ peers: [app(NAMES.prometheus)], ports: [tcp(PORTS.prometheus)] }],
    }),
    policy(props, labels, {
      name: 'generate-credentials',
      pod: NAMES.secretsJob,
      to: [{ peers: [], ports: [tcp(443), tcp(6443)] }],
    }),
  ];
}
