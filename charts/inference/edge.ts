import type { Environment } from '../../environments/schema.ts';
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

type Labels = Record<string, string>;

export function inferenceServiceAccount(env: Environment, labels: Labels): IServiceAccount {
  return ServiceAccount({
    metadata: { name: NAMES.inference, namespace: env.namespace, labels },
    // The server never talks to the Kubernetes API.
    automountServiceAccountToken: false,
  });
}

export function inferenceService(env: Environment, labels: Labels): IService {
  return httpService(
    { envName: env.name, namespace: env.namespace },
    NAMES.inference,
    PORTS.inference,
    labels,
  );
}

export function inferenceAutoscaler(env: Environment, labels: Labels): IHorizontalPodAutoscaler {
  const i = env.inference;
  return HorizontalPodAutoscaler({
    metadata: {
      name: NAMES.inference,
      namespace: env.namespace,
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
  env: Environment,
  labels: Labels,
): IPodDisruptionBudget | undefined {
  if (env.inference.minReplicas < 2) return undefined;
  return PodDisruptionBudget({
    metadata: { name: NAMES.inference, namespace: env.namespace, labels },
    spec: {
      // With 3+ replicas keep all but one; with 2 keep one.
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels({ name: NAMES.inference, env: env.name }) },
    },
  });
}

export function inferenceIngress(env: Environment, labels: Labels): IIngress {
  const { ingress } = env;
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
    metadata: { name: NAMES.inference, namespace: env.namespace, labels, annotations },
    spec: {
      ingressClassName: ingress.className,
      ...(ingress.tls ? { tls: [{ hosts: [env.host], secretName: ingress.tls.secretName }] } : {}),
      rules: [
        {
          host: env.host,
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
