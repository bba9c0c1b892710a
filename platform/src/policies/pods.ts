import type { Finding, K8sObject, Manifest } from './types.ts';

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

/**
 * A finding per message `check` returns for each container (init containers included) of every
 * manifest that has a pod spec: the loop the per-container rules share.
 */
export function containerFindings(
  manifests: readonly Manifest[],
  check: (container: Container, manifest: Manifest) => readonly string[],
): Finding[] {
  const out: Finding[] = [];
  for (const manifest of manifests) {
    const pod = podSpecOf(manifest.object);
    if (!pod) continue;
    for (const { container } of allContainers(pod))
      for (const message of check(container, manifest)) out.push({ manifest, message });
  }
  return out;
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
