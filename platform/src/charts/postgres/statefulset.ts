import type { Resources } from '../../environments/schema.ts';
import { IMAGES, NAMES, PORTS, WAVES } from '../constants.ts';
import { RESTRICTED_CONTAINER, restrictedPod, SYNC_WAVE, secretEnv } from '../k8s.ts';
import { type IStatefulSet, StatefulSet } from '../kinds.ts';
import { selectorLabels } from '../labels.ts';
import type { Placement } from '../placement.ts';

type Labels = Record<string, string>;
const isReady = ['/bin/sh', '-c', 'pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d titanic -q'];

export interface PostgresProps extends Placement {
  /** Pinned tag of docker.io/library/postgres with a digest in `IMAGES`, e.g. "16.4". */
  readonly version: string;
  readonly storage: {
    /** Volume size, e.g. "10Gi". */
    readonly size: string;
    /** @default the cluster's default StorageClass */
    readonly storageClass?: string | undefined;
  };
  readonly resources: Resources;
}

export function postgresStatefulSet(props: PostgresProps, labels: Labels): IStatefulSet {
  const selector = selectorLabels({ name: NAMES.postgres, env: props.envName });
  return StatefulSet({
    metadata: {
      name: NAMES.postgres,
      namespace: props.namespace,
      labels,
      annotations: { [SYNC_WAVE]: WAVES.postgres },
    },
    spec: {
      serviceName: NAMES.postgres,
      // One primary: the prediction log tolerates a short outage (the server counts dropped rows).
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(PORTS.postgresExporter),
          },
        },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // The official image's postgres user.
          securityContext: restrictedPod(999),
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: NAMES.postgres,
              image: IMAGES.postgres(props.version),
              ports: [{ name: 'postgres', containerPort: PORTS.postgres, protocol: 'TCP' }],
              env: [
                secretEnv('POSTGRES_USER', NAMES.postgresSecret, 'username'),
                secretEnv('POSTGRES_PASSWORD', NAMES.postgresSecret, 'password'),
                { name: 'POSTGRES_DB', value: 'titanic' },
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
              ],
              resources: props.resources,
              securityContext: RESTRICTED_CONTAINER,
              startupProbe: { exec: { command: isReady }, periodSeconds: 5, failureThreshold: 60 },
              readinessProbe: { exec: { command: isReady }, periodSeconds: 10, failureThreshold: 3 },
              livenessProbe: { exec: { command: isReady }, periodSeconds: 20, failureThreshold: 6 },
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/postgresql/data' },
                { name: 'run', mountPath: '/var/run/postgresql' },
                { name: 'tmp', mountPath: '/tmp' },
              ],
            },
            {
              name: 'exporter',
              image: IMAGES.postgresExporter,
              ports: [{ name: 'metrics', containerPort: PORTS.postgresExporter, protocol: 'TCP' }],
              env: [
                { name: 'DATA_SOURCE_URI', value: `127.0.0.1:${PORTS.postgres}/titanic?sslmode=disable` },
                secretEnv('DATA_SOURCE_USER', NAMES.postgresSecret, 'username'),
                secretEnv('DATA_SOURCE_PASS', NAMES.postgresSecret, 'password'),
              ],
              resources: {
                requests: { cpu: '10m', memory: '32Mi' },
                limits: { cpu: '100m', memory: '64Mi' },
              },
              securityContext: RESTRICTED_CONTAINER,
              readinessProbe: { httpGet: { path: '/', port: 'metrics' }, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: '/', port: 'metrics' }, periodSeconds: 30 },
            },
          ],
          volumes: [
            { name: 'run', emptyDir: { sizeLimit: '16Mi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: selector },
          spec: {
            accessModes: ['ReadWriteOnce'],
            ...(props.storage.storageClass ? { storageClassName: props.storage.storageClass } : {}),
            resources: { requests: { storage: props.storage.size } },
          },
        },
      ],
    },
  });
}
