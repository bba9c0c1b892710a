import { NAMES, PORTS, WAVES } from '../constants.ts';
import { httpService } from '../http-service.ts';
import { SYNC_WAVE } from '../k8s.ts';
import {
  HorizontalPodAutoscaler,
  type IHorizontalPodAutoscaler,
  type IIngress,
  Ingress,
  type IPodDisruptionBudget,
  type IService,
  type IServiceAccount,
  PodDisruptionBudget,
  ServiceAccount,
} from '../kinds.ts';
import { selectorLabels } from '../labels.ts';
import type { InferenceProps } from './deployment.ts';

type Labels = Record<string, string>;

export function inferenceServiceAccount(props: InferenceProps, labels: Labels): IServiceAccount {
  return ServiceAccount({
    metadata: { name: NAMES.inference, namespace: props.namespace, labels },
    // The server never talks to the Kubernetes API.
    automountServiceAccountToken: false,
  });
}

export function inferenceService(props: InferenceProps, labels: Labels): IService {
  const service = httpService(props, NAMES.inference, PORTS.inference, labels);
  // For Prometheus and port-forwards; the Ingress backend names `http` only.
  service.spec!.ports!.push({
    name: 'metrics',
    port: PORTS.inferenceMetrics,
    targetPort: 'metrics',
    protocol: 'TCP',
  });
  return service;
}

export function inferenceAutoscaler(props: InferenceProps, labels: Labels): IHorizontalPodAutoscaler {
  const i = props.inference;
  return HorizontalPodAutoscaler({
    metadata: {
      name: NAMES.inference,
      namespace: props.namespace,
      labels,
      annotations: { [SYNC_WAVE]: WAVES.edge },
    },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAMES.inference },
      minReplicas: i.minReplicas,
      maxReplicas: i.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: i.targetCpuUtilization },
          },
        },
      ],
      behavior: {
        scaleDown: {
          stabilizationWindowSeconds: i.scaleDownStabilizationSeconds,
          policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
        },
        scaleUp: {
          stabilizationWindowSeconds: 0,
          policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }],
        },
      },
    },
  });
}

/** Only when more than one replica runs: a PDB on a single pod would block node drains. */
export function inferenceDisruptionBudget(
  props: InferenceProps,
  labels: Labels,
): IPodDisruptionBudget | undefined {
  if (props.inference.minReplicas < 2) return undefined;
  return PodDisruptionBudget({
    metadata: { name: NAMES.inference, namespace: props.namespace, labels },
    spec: {
      // With 3+ replicas keep all but one; with 2 keep one.
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels({ name: NAMES.inference, env: props.envName }) },
    },
  });
}

export function inferenceIngress(props: InferenceProps, labels: Labels): IIngress {
  const { ingress } = props;
  const annotations: Record<string, string> = {
    [SYNC_WAVE]: WAVES.edge,
    'nginx.ingress.kubernetes.io/limit-rps': String(ingress.rateLimitRps),
    'nginx.ingress.kubernetes.io/limit-burst-multiplier': '3',
    'nginx.ingress.kubernetes.io/proxy-body-size': ingress.bodySize,
  };
  if (ingress.tls) {
    annotations['nginx.ingress.kubernetes.io/force-ssl-redirect'] = 'true';
    if (ingress.tls.clusterIssuer) annotations['cert-manager.io/cluster-issuer'] = ingress.tls.clusterIssuer;
  }
  return Ingress({
    metadata: { name: NAMES.inference, namespace: props.namespace, labels, annotations },
    spec: {
      ingressClassName: ingress.className,
      ...(ingress.tls ? { tls: [{ hosts: [props.host], secretName: ingress.tls.secretName }] } : {}),
      rules: [
        {
          host: props.host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: NAMES.inference, port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    },
  });
}
