import { allContainers, podSpecOf } from '../pods.ts';
import type { Finding, Rule } from '../types.ts';

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  privileged?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[]; add?: string[] };
  seccompProfile?: { type?: string };
}

/** Pod Security Standard "restricted": what the namespace label enforces, checked before sync. */
export const podSecurityRestricted: Rule = {
  id: 'TGP-001 pod-security-restricted',
  reason:
    'Namespaces enforce the "restricted" Pod Security Standard; a pod that breaks it is rejected at sync.',
  fix: 'Use runAsNonRoot, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities.drop [ALL] and seccompProfile RuntimeDefault (see platform/src/charts/k8s.ts RESTRICTED_CONTAINER).',
  check(manifests) {
    const out: Finding[] = [];
    for (const m of manifests) {
      const pod = podSpecOf(m.object);
      if (!pod) continue;
      const podSc = (pod.securityContext ?? {}) as SecurityContext;
      if (pod.hostNetwork || pod.hostPID || pod.hostIPC)
        out.push({ manifest: m, message: 'pod uses host namespaces' });
      for (const v of pod.volumes ?? []) {
        if ('hostPath' in v) out.push({ manifest: m, message: `volume "${String(v.name)}" is a hostPath` });
      }
      for (const { container: c } of allContainers(pod)) {
        const sc = (c.securityContext ?? {}) as SecurityContext;
        const who = `container "${c.name}"`;
        const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
        const seccomp = sc.seccompProfile ?? podSc.seccompProfile;
        if (nonRoot !== true) out.push({ manifest: m, message: `${who} must set runAsNonRoot: true` });
        if (sc.runAsUser === 0 || podSc.runAsUser === 0)
          out.push({ manifest: m, message: `${who} runs as uid 0` });
        if (sc.allowPrivilegeEscalation !== false)
          out.push({ manifest: m, message: `${who} must set allowPrivilegeEscalation: false` });
        if (sc.privileged === true) out.push({ manifest: m, message: `${who} is privileged` });
        if (sc.readOnlyRootFilesystem !== true)
          out.push({ manifest: m, message: `${who} must set readOnlyRootFilesystem: true` });
        const drop: string[] = sc.capabilities?.drop ?? [];
        if (!drop.includes('ALL')) out.push({ manifest: m, message: `${who} must drop ALL capabilities` });
        const add: string[] = sc.capabilities?.add ?? [];
        if (add.some((a) => a !== 'NET_BIND_SERVICE'))
          out.push({ manifest: m, message: `${who} adds capabilities ${add.join(', ')}` });
        if (seccomp?.type !== 'RuntimeDefault' && seccomp?.type !== 'Localhost')
          out.push({ manifest: m, message: `${who} must use seccompProfile type RuntimeDefault` });
      }
    }
    return out;
  },
};

/** A token in every pod is a credential for whoever breaks into it. */
export const noTokenAutomount: Rule = {
  id: 'TGP-002 no-token-automount',
  reason: 'Pods that never call the Kubernetes API must not carry a service account token.',
  fix: 'Set spec.template.spec.automountServiceAccountToken: false (only pods whose ServiceAccount has a RoleBinding may set true).',
  check(manifests) {
    const bound = new Set<string>();
    for (const m of manifests) {
      if (m.object.kind !== 'RoleBinding') continue;
      for (const s of (m.object.subjects as { kind: string; name: string }[] | undefined) ?? []) {
        if (s.kind === 'ServiceAccount') bound.add(`${m.folder}/${s.name}`);
      }
    }
    const out: Finding[] = [];
    for (const m of manifests) {
      const pod = podSpecOf(m.object);
      if (!pod || pod.automountServiceAccountToken === false) continue;
      const sa = pod.serviceAccountName ?? 'default';
      if (pod.automountServiceAccountToken === true && bound.has(`${m.folder}/${sa}`)) continue;
      out.push({
        manifest: m,
        message:
          pod.automountServiceAccountToken === true
            ? `mounts a token for ServiceAccount "${sa}", which no RoleBinding grants anything`
            : 'automountServiceAccountToken is not set to false',
      });
    }
    return out;
  },
};
