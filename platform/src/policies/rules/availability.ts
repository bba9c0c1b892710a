import { podTemplateLabels, selects } from '../pods.ts';
import type { Finding, Manifest, Rule } from '../types.ts';

interface Hpa {
  scaleTargetRef?: { kind?: string; name?: string };
  minReplicas?: number;
}

/** Smallest replica count a workload runs with: the HPA's minimum when one owns it. */
function minReplicas(workload: Manifest, manifests: readonly Manifest[]): number {
  const hpa = manifests.find((m) => {
    const spec = m.object.spec as Hpa | undefined;
    return (
      m.folder === workload.folder &&
      m.object.kind === 'HorizontalPodAutoscaler' &&
      spec?.scaleTargetRef?.kind === workload.object.kind &&
      spec?.scaleTargetRef?.name === workload.object.metadata?.name
    );
  });
  if (hpa) return (hpa.object.spec as Hpa).minReplicas ?? 1;
  return ((workload.object.spec as { replicas?: number } | undefined)?.replicas ?? 1) as number;
}

const SCALED = ['Deployment', 'StatefulSet'];

export const pdbForReplicated: Rule = {
  id: 'TGP-008 pdb-for-replicated',
  reason: 'A node drain may evict every replica at once unless a PodDisruptionBudget limits it.',
  fix: "Add a PodDisruptionBudget (maxUnavailable: 1) selecting the workload's pods.",
  check(manifests) {
    const out: Finding[] = [];
    for (const m of manifests) {
      if (!SCALED.includes(m.object.kind ?? '')) continue;
      if (minReplicas(m, manifests) < 2) continue;
      const labels = podTemplateLabels(m.object) ?? {};
      const covered = manifests.some(
        (p) =>
          p.folder === m.folder &&
          p.object.kind === 'PodDisruptionBudget' &&
          selects(
            (p.object.spec as { selector?: { matchLabels?: Record<string, string> } }).selector,
            labels,
          ),
      );
      if (!covered)
        out.push({
          manifest: m,
          message: `runs ${minReplicas(m, manifests)}+ replicas without a PodDisruptionBudget`,
        });
    }
    return out;
  },
};

export const prodMinReplicas: Rule = {
  id: 'TGP-009 prod-min-replicas',
  reason:
    'Prod must survive losing a node or a zone during a rollout: at least three replicas of the server.',
  fix: 'Set inference.minReplicas to 3 or more in environments/prod.yaml.',
  check(manifests, ctx) {
    const out: Finding[] = [];
    for (const m of manifests) {
      if (ctx.folders[m.folder]?.env !== 'prod') continue;
      if (m.object.kind === 'HorizontalPodAutoscaler') {
        const min = (m.object.spec as Hpa).minReplicas ?? 1;
        if (min < 3) out.push({ manifest: m, message: `minReplicas is ${min}, prod needs at least 3` });
      }
      if (
        m.object.kind === 'Deployment' &&
        m.object.metadata?.labels?.['app.kubernetes.io/component'] === 'server'
      ) {
        const n = minReplicas(m, manifests);
        if (n < 3) out.push({ manifest: m, message: `runs ${n} replica(s), prod needs at least 3` });
      }
    }
    return out;
  },
};
