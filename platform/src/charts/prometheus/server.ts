import type { Environment } from '../../environments/schema.ts';
import { IMAGES, NAMES, PORTS } from '../constants.ts';
import { httpService } from '../http-service.ts';
import { RESTRICTED_CONTAINER, restrictedPod } from '../k8s.ts';
import {
  type IDeployment,
  type IPersistentVolumeClaim,
  type IService,
  PersistentVolumeClaim,
  Role,
  RoleBinding,
  ServiceAccount,
} from '../kinds.ts';
import type { Placement } from '../placement.ts';
import { singlePodDeployment } from '../single-pod-deployment.ts';
import { CONFIG_DIR, reloaderContainer } from './reloader.ts';

type Labels = Record<string, string>;
export const PROMETHEUS_CONFIG_MAP = 'prometheus-config';
export const PROMETHEUS_RULES_MAP = 'prometheus-rules';
export const RULES_DIR = '/etc/prometheus/rules';

/** Pod discovery needs only read access to pods of its own namespace. */
export interface PrometheusServerProps extends Placement {
  /** How long samples are kept (`monitoring.retention`), e.g. "15d". */
  readonly retention: string;
  /** The data volume (`monitoring.storage`). */
  readonly storage: Environment['monitoring']['storage'];
}

export function prometheusRbac(props: PrometheusServerProps, labels: Labels) {
  const metadata = { name: NAMES.prometheus, namespace: props.namespace, labels };
  return [
    ServiceAccount({ metadata, automountServiceAccountToken: false }),
    Role({
      metadata,
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
    }),
    RoleBinding({
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: NAMES.prometheus },
      subjects: [{ kind: 'ServiceAccount', name: NAMES.prometheus, namespace: props.namespace }],
    }),
  ];
}

export function prometheusStorage(props: PrometheusServerProps, labels: Labels): IPersistentVolumeClaim {
  const { storage } = props;
  return PersistentVolumeClaim({
    metadata: { name: `${NAMES.prometheus}-data`, namespace: props.namespace, labels },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(storage.storageClass ? { storageClassName: storage.storageClass } : {}),
      resources: { requests: { storage: storage.size } },
    },
  });
}

export function prometheusService(props: PrometheusServerProps, labels: Labels): IService {
  return httpService(props, NAMES.prometheus, PORTS.prometheus, labels);
}

export function prometheusDeployment(props: PrometheusServerProps, labels: Labels): IDeployment {
  const probe = (path: string) => ({
    httpGet: { path, port: 'http' },
    periodSeconds: 15,
    failureThreshold: 4,
  });
  // One writer per volume: never two pods on the same TSDB.
  return singlePodDeployment(props, NAMES.prometheus, labels, {
    podSpec: {
      serviceAccountName: NAMES.prometheus,
      // Discovery calls the API server; the token is mounted only here and in the credentials Job.
      automountServiceAccountToken: true,
      enableServiceLinks: false,
      securityContext: restrictedPod(65534),
      containers: [
        {
          name: NAMES.prometheus,
          image: IMAGES.prometheus,
          args: [
            `--config.file=${CONFIG_DIR}/prometheus.yml`,
            '--storage.tsdb.path=/prometheus',
            `--storage.tsdb.retention.time=${props.retention}`,
            // POST /-/reload, used by the reloader sidecar on the pod's loopback only.
            '--web.enable-lifecycle',
          ],
          ports: [{ name: 'http', containerPort: PORTS.prometheus, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
          securityContext: RESTRICTED_CONTAINER,
          readinessProbe: probe('/-/ready'),
          livenessProbe: probe('/-/healthy'),
          volumeMounts: [
            // Whole-directory mounts (no subPath): the kubelet refreshes them in place.
            { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
            { name: 'rules', mountPath: RULES_DIR, readOnly: true },
            { name: 'data', mountPath: '/prometheus' },
          ],
        },
        reloaderContainer(RULES_DIR),
      ],
      volumes: [
        { name: 'config', configMap: { name: PROMETHEUS_CONFIG_MAP } },
        { name: 'rules', configMap: { name: PROMETHEUS_RULES_MAP } },
        { name: 'data', persistentVolumeClaim: { claimName: `${NAMES.prometheus}-data` } },
        { name: 'reloader-tmp', emptyDir: { sizeLimit: '1Mi' } },
      ],
    },
  });
}
