import type { K8sObject, Manifest } from './types.ts';

export interface Container {
  readonly name?: string;
  readonly image?: string;
  readonly securityContext?: Record<string, unknown>;
  readonly resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly readinessProbe?: unknown;
  readonly livenessProbe?: unknown;
  readonly env?: readonly { name: string; value?: string }[];
}

export interface PodSpec {
  readonly securityContext?: Record<string, unknown>;
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly automountServiceAccountToken?: boolean;
  readonly serviceAccountName?: string;
  readonly hostNetwork?: boolean;
  readonly hostPID?: boolean;
  readonly hostIPC?: boolean;
  readonly volumes?: readonly Record<string, unknown>[];
}

interface TemplateSpec {
  readonly template?: {
    readonly metadata?: { readonly labels?: Record<string, string> };
    readonly spec?: PodSpec;
  };
  readonly jobTemplate?: { readonly spec?: TemplateSpec };
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet'] as const;

/** The pod spec of a workload (or a bare Pod / CronJob), if any. */
export function podSpecOf(obj: K8sObject): PodSpec | undefined {
  const spec = obj.spec as TemplateSpec | undefined;
  if (!spec) return undefined;
  if (obj.kind === 'Pod') return spec as PodSpec;
  if (obj.kind === 'CronJob') return spec.jobTemplate?.spec?.template?.spec;
  if ((WORKLOAD_KINDS as readonly string[]).includes(obj.kind ?? '')) return spec.template?.spec;
  return undefined;
}

export function podTemplateLabels(obj: K8sObject): Record<string, string> | undefined {
  const spec = obj.spec as TemplateSpec | undefined;
  return spec?.template?.metadata?.labels;
}

export function allContainers(pod: PodSpec): { container: Container; init: boolean }[] {
  return [
    ...(pod.initContainers ?? []).map((container) => ({ container, init: true })),
    ...(pod.containers ?? []).map((container) => ({ container, init: false })),
  ];
}

export function ref(m: Manifest): string {
  return `${m.object.kind ?? '?'}/${m.object.metadata?.name ?? '?'}`;
}

/** Does `selector.matchLabels` select these labels? */
export function selects(
  selector: { matchLabels?: Record<string, string> } | undefined,
  labels: Record<string, string>,
): boolean {
  const match = selector?.matchLabels ?? {};
  return Object.entries(match).every(([k, v]) => labels[k] === v);
}
