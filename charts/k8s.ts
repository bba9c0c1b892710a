import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { ISecurityContext } from 'kubernetes-models/v1/SecurityContext';

interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string };
}

/**
 * Adds a typed object (see kinds.ts) to a cdk8s chart. The construct id is kind + name, so every
 * object has a stable, readable address.
 */
export function emit(scope: Construct, object: KubernetesObject): ApiObject {
  return new ApiObject(scope, `${object.kind}-${object.metadata?.name ?? 'unnamed'}`, {
    ...object,
    metadata: { ...object.metadata },
  });
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

/** The image reference a pod pulls: the digest wins when present, the tag stays for humans. */
export function imageRef(repository: string, tag: string, digest?: string): string {
  return digest ? `${repository}:${tag}@${digest}` : `${repository}:${tag}`;
}
