import type { Finding, Rule } from '../types.ts';

interface IngressSpec {
  tls?: { hosts?: string[]; secretName?: string }[];
  rules?: { host?: string }[];
}

export const ingressTls: Rule = {
  id: 'TGP-010 ingress-tls',
  reason: 'Staging and prod carry real passenger data and API keys: plain HTTP would expose them.',
  fix: 'Set ingress.tls.secretName (and a clusterIssuer) in environments/<env>.yaml.',
  check(manifests, ctx) {
    const out: Finding[] = [];
    for (const m of manifests) {
      const env = ctx.folders[m.folder]?.env;
      if (m.object.kind !== 'Ingress' || (env !== 'staging' && env !== 'prod')) continue;
      const spec = (m.object.spec ?? {}) as IngressSpec;
      const covered = new Set((spec.tls ?? []).filter((t) => t.secretName).flatMap((t) => t.hosts ?? []));
      const hosts = (spec.rules ?? []).map((r) => r.host ?? '*');
      const bare = hosts.filter((h) => !covered.has(h));
      if (bare.length > 0)
        out.push({ manifest: m, message: `host(s) ${bare.join(', ')} served without TLS` });
    }
    return out;
  },
};

export const defaultDeny: Rule = {
  id: 'TGP-011 default-deny',
  reason: 'Without a default-deny NetworkPolicy every pod can reach every other pod, including the database.',
  fix: 'Keep the `default-deny` NetworkPolicy (podSelector: {}, policyTypes [Ingress, Egress], no rules) in platform/src/charts/namespace/.',
  check(manifests, ctx) {
    const out: Finding[] = [];
    for (const [folder, fc] of Object.entries(ctx.folders)) {
      if (!fc.env) continue;
      const inFolder = manifests.filter((m) => m.folder === folder);
      if (inFolder.length === 0) continue;
      const denies = inFolder.some((m) => {
        if (m.object.kind !== 'NetworkPolicy') return false;
        const spec = (m.object.spec ?? {}) as Record<string, unknown>;
        const selector = (spec.podSelector ?? {}) as Record<string, unknown>;
        const types = (spec.policyTypes as string[] | undefined) ?? [];
        const emptySelector = Object.values(selector).every(
          (v) => v === undefined || (typeof v === 'object' && v !== null && Object.keys(v).length === 0),
        );
        return (
          emptySelector &&
          types.includes('Ingress') &&
          types.includes('Egress') &&
          !(spec.ingress as unknown[] | undefined)?.length &&
          !(spec.egress as unknown[] | undefined)?.length
        );
      });
      if (!denies) {
        const first = inFolder[0] as (typeof inFolder)[number];
        out.push({
          manifest: {
            ...first,
            file: `dist/${folder}/`,
            object: { kind: 'Namespace', metadata: { name: fc.namespace } },
          },
          message: `namespace ${fc.namespace} has no default-deny NetworkPolicy`,
        });
      }
    }
    return out;
  },
};
