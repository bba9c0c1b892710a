import { createHash } from 'node:crypto';
import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';
import { stringify } from 'yaml';
import type { ImagePin } from './placement.ts';

interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly data?: Record<string, string>;
  readonly automountServiceAccountToken?: boolean;
}

/**
 * Adds a typed object (see kinds.ts) to a cdk8s chart. The construct id is kind + name, so every
 * object has a stable, readable address. ConfigMaps and ServiceAccounts are built by cdk8s-plus-28,
 * whose constructs render them exactly as given; workloads, policies and RBAC stay plain typed
 * objects because their cdk8s-plus counterparts add defaults (generated selector labels, security
 * context, binding names) that would fight the explicit values these charts must set.
 */
export function emit(scope: Construct, object: KubernetesObject): ApiObject {
  const id = `${object.kind}-${object.metadata?.name ?? 'unnamed'}`;
  const { name, namespace, labels, annotations } = object.metadata ?? {};
  const metadata = { name, namespace, labels, annotations };
  if (object.apiVersion === 'v1' && object.kind === 'ConfigMap') {
    return ApiObject.of(new kplus.ConfigMap(scope, id, { metadata, data: object.data }));
  }
  if (object.apiVersion === 'v1' && object.kind === 'ServiceAccount') {
    const automountToken = object.automountServiceAccountToken ?? false;
    return ApiObject.of(new kplus.ServiceAccount(scope, id, { metadata, automountToken }));
  }
  return new ApiObject(scope, id, { ...object, metadata: { ...object.metadata } });
}

export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';

/** The Pod Security Standard "restricted" profile for one container. */
export const RESTRICTED_CONTAINER: ISecurityContext = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  privileged: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export function restrictedPod(uid: number): IPodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** An environment variable read from one key of a Secret, never a literal value in git. */
export function secretEnv(variable: string, secret: string, key: string) {
  return { name: variable, valueFrom: { secretKeyRef: { name: secret, key } } };
}

/** The image reference a pod pulls: the digest wins when present, the tag stays for humans. */
export function imageRef(repository: string, tag: string, digest?: string): string {
  return digest ? `${repository}:${tag}@${digest}` : `${repository}:${tag}`;
}

/** YAML for ConfigMap payloads: sorted keys and no line folding, so renders are byte-stable. */
export function configYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, sortMapEntries: true });
}

/**
 * A short hash of configuration text, put on a pod template annotation so a config change rolls
 * the pods (mounted ConfigMaps alone would not restart the process).
 */
export function configHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

/** `repository:tag@digest` of a pinned image. */
export function pinnedImage(image: ImagePin): string {
  return imageRef(image.repository, image.tag, image.digest);
}

/** `imagePullSecrets` for pods pulling from the project's registry; nothing when none are configured. */
export function pullSecrets(names: readonly string[]): { imagePullSecrets?: { name: string }[] } {
  return names.length > 0 ? { imagePullSecrets: names.map((name) => ({ name })) } : {};
}

/**
 * NODE_OPTIONS sizing V8's old generation from the container's memory limit: 3/4 of it, leaving the
 * rest for code, buffers and native memory (onnxruntime, sockets), so the heap cap is always below
 * the limit instead of the OOM killer acting first.
 */
export function nodeOptions(memoryLimit: string): string {
  return `--max-old-space-size=${heapMiB(memoryLimit)}`;
}

export function heapMiB(memoryLimit: string): number {
  const m = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(memoryLimit);
  if (!m) throw new Error(`memory limit "${memoryLimit}" must be Ki, Mi, Gi or Ti to size the Node heap`);
  const mib = Number(m[1]) * { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 }[m[2] as 'Mi'];
  return Math.floor((mib * 3) / 4);
}
