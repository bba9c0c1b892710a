import { podTemplateLabels } from '../pods.ts';
import type { Finding, Rule } from '../types.ts';

const RECOMMENDED = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/version',
  'app.kubernetes.io/component',
  'app.kubernetes.io/part-of',
  'app.kubernetes.io/managed-by',
];
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
]);

export const recommendedLabels: Rule = {
  id: 'TGP-012 recommended-labels',
  reason: 'Dashboards, `kubectl get -l` and Argo CD filters find objects by the app.kubernetes.io/* labels.',
  fix: 'Build labels with platform/src/charts/labels.ts labels() for every object and pod template.',
  check(manifests) {
    const out: Finding[] = [];
    for (const m of manifests) {
      const labels = m.object.metadata?.labels ?? {};
      const missing = RECOMMENDED.filter((k) => !labels[k]);
      if (missing.length > 0) out.push({ manifest: m, message: `missing labels ${missing.join(', ')}` });
      const template = podTemplateLabels(m.object);
      if (template) {
        const missingPod = RECOMMENDED.slice(0, 2).filter((k) => !template[k]);
        if (missingPod.length > 0)
          out.push({ manifest: m, message: `pod template lacks labels ${missingPod.join(', ')}` });
      }
    }
    return out;
  },
};

export const namespaced: Rule = {
  id: 'TGP-013 environment-namespace',
  reason:
    "The AppProject only allows each environment's namespace; an object elsewhere fails to sync or leaks across environments.",
  fix: 'Set metadata.namespace to the namespace of environments/<env>.yaml (charts pass env.namespace).',
  check(manifests, ctx) {
    const out: Finding[] = [];
    for (const m of manifests) {
      const expected = ctx.folders[m.folder]?.namespace;
      if (!expected || CLUSTER_SCOPED.has(m.object.kind ?? '')) continue;
      const ns = m.object.metadata?.namespace;
      if (ns !== expected)
        out.push({ manifest: m, message: `namespace is ${ns ?? '(unset)'}, expected ${expected}` });
    }
    return out;
  },
};

export const argocdProject: Rule = {
  id: 'TGP-014 argocd-project',
  reason:
    'Only the `titanic` AppProject restricts sources, namespaces and kinds; `default` allows everything.',
  fix: 'Set spec.project (or spec.template.spec.project for an ApplicationSet) to "titanic".',
  check(manifests) {
    const out: Finding[] = [];
    for (const m of manifests) {
      const spec = (m.object.spec ?? {}) as { project?: string; template?: { spec?: { project?: string } } };
      const project =
        m.object.kind === 'Application'
          ? spec.project
          : m.object.kind === 'ApplicationSet'
            ? spec.template?.spec?.project
            : undefined;
      if ((m.object.kind === 'Application' || m.object.kind === 'ApplicationSet') && project !== 'titanic') {
        out.push({ manifest: m, message: `project is ${project ?? '(unset)'}, expected titanic` });
      }
    }
    return out;
  },
};
