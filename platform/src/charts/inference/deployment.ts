import type { Environment } from '../../environments/schema.ts';
import { IMAGES, NAMES, PORTS, WAVES } from '../constants.ts';
import {
  heapMiB,
  imageRef,
  pullSecrets,
  RESTRICTED_CONTAINER,
  restrictedPod,
  SYNC_WAVE,
  secretEnv,
} from '../k8s.ts';
import { Deployment, type IDeployment } from '../kinds.ts';
import { LABEL_NAME, type labels, selectorLabels } from '../labels.ts';
import type { ImagePin, Placement } from '../placement.ts';
import { apiKeysByDefault } from '../postgres/credentials-job.ts';

/** Static busybox: the modelcar image holds only the model file, so the copy tool is mounted in. */
export const BUSYBOX_IMAGE = IMAGES.busybox;
const MODEL_DIR = '/model';
const PRESTOP_SECONDS = 5;
const GRACE_SECONDS = 30;

export interface InferenceProps extends Placement {
  /** The server image (`image`). */
  readonly image: ImagePin;
  /** The pinned model (`model`): version, modelcar image and the sha256 the init step checks. */
  readonly model: Pick<
    Environment['model'],
    'version' | 'sha256' | 'modelcarRepository' | 'digest' | 'shadow'
  >;
  /** Replicas, resources, log level and rate limit of the server (`inference`). */
  readonly inference: Environment['inference'];
  /** Public host of the API (`host`). */
  readonly host: string;
  /** Ingress class, TLS, client rate limit and body size (`ingress`). */
  readonly ingress: Environment['ingress'];
  /**
   * Secrets to pull the server and modelcar images with.
   * @default none
   */
  readonly imagePullSecrets?: readonly string[];
  /**
   * Refuse to schedule two pods on one node (`DoNotSchedule`) rather than prefer not to: an
   * environment that must survive a node loss.
   * @default false
   */
  readonly requireNodeSpread?: boolean;
}

/** Versioned name: a new model rolls the pods, a rollback finds the old one again. */
export function modelMetadataConfigMapName(modelVersion: string): string {
  return `model-metadata-${modelVersion}`;
}

export function inferenceDeployment(props: InferenceProps, meta: ReturnType<typeof labels>): IDeployment {
  const selector = selectorLabels({ name: NAMES.inference, env: props.envName });
  const modelcar = imageRef(`${props.model.modelcarRepository}`, props.model.version, props.model.digest);
  const inference = props.inference;
  // The init step copies and verifies the model: a wrong file never reaches the server.
  const copyModel = [
    `/tools/busybox cp /models/model.onnx ${MODEL_DIR}/model.onnx`,
    `/tools/busybox cp /metadata/model.json ${MODEL_DIR}/model.json`,
    `echo "${props.model.sha256}  ${MODEL_DIR}/model.onnx" | /tools/busybox sha256sum -c -`,
  ].join(' && ');
  const small = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } };
  const shadow = shadowParts(props.model, small);

  return Deployment({
    metadata: {
      name: NAMES.inference,
      namespace: props.namespace,
      labels: meta,
      annotations: { [SYNC_WAVE]: WAVES.service },
    },
    spec: {
      // No `replicas`: the HorizontalPodAutoscaler owns the count.
      revisionHistoryLimit: 5,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: meta,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(PORTS.inferenceMetrics),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: NAMES.inference,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPod(10001), // the image's own user
          ...pullSecrets(props.imagePullSecrets ?? []),
          terminationGracePeriodSeconds: GRACE_SECONDS,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
              // Nodes whose taints the pod does not tolerate cannot take it: leave them out of the skew.
              nodeTaintsPolicy: 'Honor',
            },
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: props.requireNodeSpread ? 'DoNotSchedule' : 'ScheduleAnyway',
              labelSelector: { matchLabels: selector },
              nodeTaintsPolicy: 'Honor',
            },
          ],
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    topologyKey: 'kubernetes.io/hostname',
                    labelSelector: { matchLabels: { [LABEL_NAME]: NAMES.inference } },
                  },
                },
              ],
            },
          },
          initContainers: [
            {
              name: 'tools',
              image: BUSYBOX_IMAGE,
              command: ['/bin/cp', '/bin/busybox', '/tools/busybox'],
              securityContext: RESTRICTED_CONTAINER,
              resources: small,
              volumeMounts: [{ name: 'tools', mountPath: '/tools' }],
            },
            {
              name: 'modelcar',
              image: modelcar,
              command: ['/tools/busybox', 'sh', '-c', copyModel],
              securityContext: RESTRICTED_CONTAINER,
              resources: small,
              volumeMounts: [
                { name: 'tools', mountPath: '/tools', readOnly: true },
                { name: 'model', mountPath: MODEL_DIR },
                { name: 'metadata', mountPath: '/metadata', readOnly: true },
              ],
            },
            ...shadow.initContainers,
          ],
          containers: [
            {
              name: NAMES.inference,
              image: imageRef(props.image.repository, props.image.tag, props.image.digest),
              // The heap cap follows this environment's memory limit (the image's default suits none).
              command: ['node'],
              args: [
                `--max-old-space-size=${heapMiB(inference.resources.limits.memory)}`,
                // The image's young-generation cap (see its Dockerfile): Node 24's default is 4x.
                '--max-semi-space-size=16',
                '--single-threaded-gc',
                'services/inference/build/main.js',
              ],
              ports: [
                { name: 'http', containerPort: PORTS.inference, protocol: 'TCP' },
                { name: 'metrics', containerPort: PORTS.inferenceMetrics, protocol: 'TCP' },
              ],
              env: [
                { name: 'PORT', value: String(PORTS.inference) },
                // Metrics on their own port: the Ingress routes only to `http`.
                { name: 'METRICS_PORT', value: String(PORTS.inferenceMetrics) },
                { name: 'HOST', value: '0.0.0.0' },
                { name: 'ENVIRONMENT', value: props.envName },
                { name: 'IMAGE_VERSION', value: props.image.tag },
                { name: 'MODEL_PATH', value: `${MODEL_DIR}/model.onnx` },
                { name: 'MODEL_SHA256', value: props.model.sha256 },
                secretEnv('DATABASE_URL', NAMES.inferenceDatabaseSecret, 'url'),
                // Staging and prod: the credentials Job generates keys, and the pod waits for them.
                // Dev: prediction routes require a key only when an operator creates the Secret.
                {
                  name: 'API_KEYS',
                  valueFrom: {
                    secretKeyRef: {
                      name: NAMES.inferenceApiKeysSecret,
                      key: 'keys',
                      optional: !apiKeysByDefault(props.envName),
                    },
                  },
                },
                // Rate limits are per client; behind the ingress the client is the address the
                // ingress appended to X-Forwarded-For (one hop), not what the client wrote there.
                { name: 'TRUST_PROXY', value: 'true' },
                { name: 'TRUST_PROXY_HOPS', value: '1' },
                { name: 'LOG_LEVEL', value: inference.logLevel },
                ...(inference.rateLimit
                  ? [
                      { name: 'RATE_LIMIT_RPS', value: String(inference.rateLimit.rps) },
                      { name: 'RATE_LIMIT_BURST', value: String(inference.rateLimit.burst) },
                    ]
                  : []),
                // Drain in-flight requests well inside the grace period left after preStop.
                { name: 'SHUTDOWN_TIMEOUT_MS', value: String((GRACE_SECONDS - PRESTOP_SECONDS - 5) * 1000) },
                { name: 'DATA_DIR', value: '/tmp/data' },
                ...shadow.env,
              ],
              resources: inference.resources,
              securityContext: RESTRICTED_CONTAINER,
              startupProbe: {
                httpGet: { path: '/v2/health/ready', port: 'http' },
                periodSeconds: 2,
                failureThreshold: 60,
              },
              readinessProbe: {
                httpGet: { path: '/v2/health/ready', port: 'http' },
                periodSeconds: 5,
                failureThreshold: 2,
              },
              livenessProbe: {
                httpGet: { path: '/v2/health/live', port: 'http' },
                periodSeconds: 10,
                failureThreshold: 3,
              },
              lifecycle: {
                // Endpoints lag the SIGTERM; keep serving until the Service stops routing here.
                // The image has node but maybe no shell, so node itself waits.
                preStop: {
                  exec: { command: ['node', '-e', `setTimeout(() => {}, ${PRESTOP_SECONDS * 1000})`] },
                },
              },
              volumeMounts: [
                { name: 'model', mountPath: MODEL_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
                ...shadow.mounts,
              ],
            },
          ],
          volumes: [
            { name: 'tools', emptyDir: { sizeLimit: '16Mi' } },
            { name: 'model', emptyDir: { sizeLimit: '256Mi' } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            { name: 'metadata', configMap: { name: modelMetadataConfigMapName(props.model.version) } },
            ...shadow.volumes,
          ],
        },
      },
    },
  });
}

const SHADOW_DIR = '/shadow-model';

/**
 * The second modelcar step for `model.shadow`, and what the server needs of it. Unlike the
 * served model's step it never fails the pod: a shadow that cannot be copied or verified leaves
 * no file behind, the server then serves without it and reports it (titanic_shadow_ready 0,
 * alert ShadowModelNotLoaded).
 */
function shadowParts(
  model: InferenceProps['model'],
  resources: { requests: Record<string, string>; limits: Record<string, string> },
) {
  const shadow = model.shadow;
  if (!shadow) return { initContainers: [], env: [], mounts: [], volumes: [] };
  const copy = [
    `/tools/busybox cp /models/model.onnx ${SHADOW_DIR}/model.onnx`,
    `/tools/busybox cp /metadata/model.json ${SHADOW_DIR}/model.json`,
    `echo "${shadow.sha256}  ${SHADOW_DIR}/model.onnx" | /tools/busybox sha256sum -c -`,
  ].join(' && ');
  const orLeaveNothing = `(${copy}) || (/tools/busybox rm -f ${SHADOW_DIR}/model.onnx ${SHADOW_DIR}/model.json; echo "shadow model ${shadow.version} is unusable; the server serves without it")`;
  return {
    initContainers: [
      {
        name: 'shadow-modelcar',
        image: imageRef(model.modelcarRepository, shadow.version, shadow.digest),
        command: ['/tools/busybox', 'sh', '-c', orLeaveNothing],
        securityContext: RESTRICTED_CONTAINER,
        resources,
        volumeMounts: [
          { name: 'tools', mountPath: '/tools', readOnly: true },
          { name: 'shadow-model', mountPath: SHADOW_DIR },
          { name: 'shadow-metadata', mountPath: '/metadata', readOnly: true },
        ],
      },
    ],
    env: [
      { name: 'SHADOW_MODEL_PATH', value: `${SHADOW_DIR}/model.onnx` },
      { name: 'SHADOW_MODEL_SHA256', value: shadow.sha256 },
    ],
    mounts: [{ name: 'shadow-model', mountPath: SHADOW_DIR, readOnly: true }],
    volumes: [
      { name: 'shadow-model', emptyDir: { sizeLimit: '256Mi' } },
      { name: 'shadow-metadata', configMap: { name: modelMetadataConfigMapName(shadow.version) } },
    ],
  };
}
