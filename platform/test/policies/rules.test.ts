import { describe, expect, it } from 'vitest';
import { FIRST_PARTY_PREFIX, formatResults, parseManifests, runPolicies } from '../../src/policies/engine.ts';
import { RULES } from '../../src/policies/rules/index.ts';
import type { Manifest, PolicyContext } from '../../src/policies/types.ts';
import { type Json, renderFixture } from '../charts/render.ts';

const ctx = (digests = { image: false, model: false }): PolicyContext => ({
  firstPartyPrefix: FIRST_PARTY_PREFIX,
  folders: {
    argocd: { namespace: 'argocd', digests },
    dev: { namespace: 'titanic-dev', env: 'dev', digests },
    staging: { namespace: 'titanic-staging', env: 'staging', digests },
    prod: { namespace: 'titanic-prod', env: 'prod', digests },
  },
});

async function manifests(): Promise<Manifest[]> {
  const files = await renderFixture();
  return Object.entries(files).flatMap(([file, text]) =>
    parseManifests(file, file.split('/')[1] as string, text),
  );
}

/** Renders the fixture, lets `mutate` break one object, and returns the lines of one rule. */
async function violations(ruleId: string, mutate: (all: Json[]) => void, context = ctx()): Promise<string[]> {
  const all = structuredClone(await manifests());
  mutate(all);
  const rule = RULES.find((r) => r.id.startsWith(ruleId));
  if (!rule) throw new Error(`no rule ${ruleId}`);
  return runPolicies(all, context, [rule])
    .filter((r) => r.severity === 'fail')
    .map((r) => `${r.file} - ${r.object} - ${r.message}`);
}

const pick = (all: Json[], folder: string, kind: string, name: string) => {
  const m = all.find((x) => x.folder === folder && x.object.kind === kind && x.object.metadata.name === name);
  if (!m) throw new Error(`no ${kind}/${name} in ${folder}`);
  return m.object;
};
const inference = (all: Json[], folder = 'prod') => pick(all, folder, 'Deployment', 'inference');
const server = (all: Json[], folder = 'prod') => inference(all, folder).spec.template.spec.containers[0];

describe('policies', () => {
  it('the fixture render passes every rule (warnings allowed)', async () => {
    const results = runPolicies(await manifests(), ctx());
    expect(results.filter((r) => r.severity === 'fail')).toEqual([]);
  });

  it('every rule has an id, a reason and a fix hint', () => {
    for (const r of RULES) {
      expect(r.id).toMatch(/^TGP-\d{3} [a-z-]+$/);
      expect(r.reason.length).toBeGreaterThan(20);
      expect(r.fix.length).toBeGreaterThan(20);
    }
    expect(new Set(RULES.map((r) => r.id.split(' ')[0])).size).toBe(RULES.length);
  });

  it('TGP-001 restricted pod security', async () => {
    const out = await violations('TGP-001', (all) => {
      server(all).securityContext = { runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
    });
    expect(out).toEqual([
      'dist/prod/inference.yaml - Deployment/inference - container "inference" must set allowPrivilegeEscalation: false',
      'dist/prod/inference.yaml - Deployment/inference - container "inference" must set readOnlyRootFilesystem: true',
    ]);
    const seccomp = await violations('TGP-001', (all) => {
      const pod = inference(all).spec.template.spec;
      delete pod.securityContext.seccompProfile;
      delete pod.securityContext.runAsNonRoot;
      delete server(all).securityContext.runAsNonRoot;
      delete server(all).securityContext.seccompProfile;
    });
    expect(seccomp).toContain(
      'dist/prod/inference.yaml - Deployment/inference - container "inference" must set runAsNonRoot: true',
    );
    expect(seccomp).toContain(
      'dist/prod/inference.yaml - Deployment/inference - container "inference" must use seccompProfile type RuntimeDefault',
    );
  });

  it('TGP-002 no token automount', async () => {
    const out = await violations('TGP-002', (all) => {
      delete inference(all, 'dev').spec.template.spec.automountServiceAccountToken;
      pick(all, 'dev', 'Deployment', 'grafana').spec.template.spec.automountServiceAccountToken = true;
    });
    expect(out).toEqual([
      'dist/dev/grafana.yaml - Deployment/grafana - mounts a token for ServiceAccount "default", which no RoleBinding grants anything',
      'dist/dev/inference.yaml - Deployment/inference - automountServiceAccountToken is not set to false',
    ]);
  });

  it('TGP-003 requests and limits', async () => {
    const out = await violations('TGP-003', (all) => {
      delete server(all).resources.limits.memory;
      delete inference(all).spec.template.spec.initContainers[0].resources.requests;
    });
    expect(out).toEqual([
      'dist/prod/inference.yaml - Deployment/inference - container "tools" lacks resources requests.cpu, requests.memory',
      'dist/prod/inference.yaml - Deployment/inference - container "inference" lacks resources limits.memory',
    ]);
  });

  it('TGP-004 probes', async () => {
    const out = await violations('TGP-004', (all) => {
      delete server(all).readinessProbe;
    });
    expect(out).toEqual([
      'dist/prod/inference.yaml - Deployment/inference - container "inference" has no readinessProbe',
    ]);
  });

  it('TGP-005 pinned images', async () => {
    const out = await violations('TGP-005', (all) => {
      server(all, 'dev').image = 'ghcr.io/titanic-ml/titanic-inference:latest';
      pick(all, 'dev', 'Deployment', 'grafana').spec.template.spec.containers[0].image =
        'localhost:5000/grafana';
    });
    expect(out).toEqual([
      'dist/dev/grafana.yaml - Deployment/grafana - container "grafana" image localhost:5000/grafana has no tag',
      'dist/dev/inference.yaml - Deployment/inference - container "inference" image ghcr.io/titanic-ml/titanic-inference:latest uses latest',
    ]);
  });

  it('TGP-006 first-party images pinned by digest in staging/prod once a digest exists', async () => {
    const withDigest = ctx({ image: true, model: false });
    expect(await violations('TGP-006', () => {}, withDigest)).toEqual([
      'dist/prod/inference.yaml - Deployment/inference - container "inference" image ghcr.io/titanic-ml/titanic-inference:0.1.0 is not pinned by digest although environments/prod.yaml records one',
      'dist/staging/inference.yaml - Deployment/inference - container "inference" image ghcr.io/titanic-ml/titanic-inference:0.1.0 is not pinned by digest although environments/staging.yaml records one',
    ]);
    const pinned = await violations(
      'TGP-006',
      (all) => {
        for (const env of ['staging', 'prod']) server(all, env).image += `@sha256:${'e'.repeat(64)}`;
      },
      withDigest,
    );
    expect(pinned).toEqual([]);
    // Before the first release there is no digest: a warning, not a failure.
    const warned = runPolicies(
      await manifests(),
      ctx(),
      RULES.filter((r) => r.id.startsWith('TGP-006')),
    );
    // Staging and prod: server, modelcar, promoter and the credentials Job (promoter image).
    expect(warned.map((r) => r.severity)).toEqual(Array(8).fill('warn'));
  });

  it('TGP-015 every image is ours or an upstream image pinned repository:tag@sha256', async () => {
    const job = (all: Json[], folder: string) =>
      pick(all, folder, 'Job', 'generate-credentials').spec.template.spec.containers[0];
    const kubectl = 'docker.io/bitnami/kubectl:1.28.13';
    const out = await violations('TGP-015', (all) => {
      for (const env of ['dev', 'staging', 'prod']) job(all, env).image = kubectl;
      // A digest without the tag hides the version from reviewers; a tag alone can move.
      pick(all, 'prod', 'Deployment', 'grafana').spec.template.spec.containers[0].image =
        `docker.io/grafana/grafana@sha256:${'a'.repeat(64)}`;
    });
    expect(out).toEqual([
      `dist/prod/grafana.yaml - Deployment/grafana - container "grafana" image docker.io/grafana/grafana@sha256:${'a'.repeat(64)} is neither built here nor pinned repository:tag@sha256:…`,
      `dist/prod/postgres.yaml - Job/generate-credentials - container "generate" image ${kubectl} is neither built here nor pinned repository:tag@sha256:…`,
      `dist/staging/postgres.yaml - Job/generate-credentials - container "generate" image ${kubectl} is neither built here nor pinned repository:tag@sha256:…`,
    ]);
    // Dev only warns, so an upstream tag can be tried there before it is pinned.
    const all = structuredClone(await manifests());
    job(all, 'dev').image = kubectl;
    const dev = runPolicies(
      all,
      ctx(),
      RULES.filter((r) => r.id.startsWith('TGP-015')),
    );
    expect(dev.map((r) => `${r.file} ${r.severity}`)).toEqual(['dist/dev/postgres.yaml warn']);
  });

  it('TGP-007 no secret data or password literals', async () => {
    const out = await violations('TGP-007', (all) => {
      all.push({
        file: 'dist/dev/extra.yaml',
        folder: 'dev',
        object: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 's' },
          data: { password: 'aHVudGVyMg==' },
        },
      });
      server(all, 'dev').env.push({ name: 'DB_PASSWORD', value: 'hunter22' });
      server(all, 'dev').env.push({ name: 'BACKUP_URL', value: 'postgresql://titanic:hunter22@db:5432/x' });
      pick(all, 'dev', 'ConfigMap', 'grafana-datasources').data.extra = 'password: s3cr3tvalue';
    });
    expect(out).toEqual([
      'dist/dev/grafana.yaml - ConfigMap/grafana-datasources - data.extra looks like a password literal',
      'dist/dev/inference.yaml - Deployment/inference - env DB_PASSWORD has a literal value; use valueFrom.secretKeyRef',
      expect.stringMatching(
        /^dist\/dev\/inference\.yaml - Deployment\/inference - spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.value holds a URL with a literal password$/,
      ),
      'dist/dev/extra.yaml - Secret/s - Secret carries data in git',
    ]);
  });

  it('TGP-008 PDB for every workload with more than one replica', async () => {
    const out = await violations('TGP-008', (all) => {
      const i = all.findIndex((m) => m.folder === 'staging' && m.object.kind === 'PodDisruptionBudget');
      all.splice(i, 1);
      pick(all, 'dev', 'Deployment', 'grafana').spec.replicas = 2;
    });
    expect(out).toEqual([
      'dist/dev/grafana.yaml - Deployment/grafana - runs 2+ replicas without a PodDisruptionBudget',
      'dist/staging/inference.yaml - Deployment/inference - runs 2+ replicas without a PodDisruptionBudget',
    ]);
  });

  it('TGP-009 prod min replicas ≥ 3', async () => {
    const out = await violations('TGP-009', (all) => {
      pick(all, 'prod', 'HorizontalPodAutoscaler', 'inference').spec.minReplicas = 2;
    });
    expect(out).toEqual([
      'dist/prod/inference.yaml - Deployment/inference - runs 2 replica(s), prod needs at least 3',
      'dist/prod/inference.yaml - HorizontalPodAutoscaler/inference - minReplicas is 2, prod needs at least 3',
    ]);
  });

  it('TGP-010 TLS on staging/prod Ingress', async () => {
    const out = await violations('TGP-010', (all) => {
      delete pick(all, 'staging', 'Ingress', 'inference').spec.tls;
      pick(all, 'dev', 'Ingress', 'inference').spec.rules[0].host = 'plain.example.com';
    });
    expect(out).toEqual([
      'dist/staging/inference.yaml - Ingress/inference - host(s) titanic.staging.example.com served without TLS',
    ]);
  });

  it('TGP-011 default-deny NetworkPolicy per namespace', async () => {
    const out = await violations('TGP-011', (all) => {
      pick(all, 'prod', 'NetworkPolicy', 'default-deny').spec.egress = [{}];
    });
    expect(out).toEqual([
      'dist/prod/ - Namespace/titanic-prod - namespace titanic-prod has no default-deny NetworkPolicy',
    ]);
  });

  it('TGP-012 recommended labels', async () => {
    const out = await violations('TGP-012', (all) => {
      delete pick(all, 'dev', 'Service', 'inference').metadata.labels['app.kubernetes.io/part-of'];
      delete inference(all, 'dev').spec.template.metadata.labels['app.kubernetes.io/instance'];
    });
    expect(out).toEqual([
      'dist/dev/inference.yaml - Deployment/inference - pod template lacks labels app.kubernetes.io/instance',
      'dist/dev/inference.yaml - Service/inference - missing labels app.kubernetes.io/part-of',
    ]);
  });

  it('TGP-013 every object in its environment namespace', async () => {
    const out = await violations('TGP-013', (all) => {
      pick(all, 'staging', 'Service', 'postgres').metadata.namespace = 'titanic-prod';
      delete pick(all, 'argocd', 'AppProject', 'titanic').metadata.namespace;
    });
    expect(out).toEqual([
      'dist/argocd/argocd.yaml - AppProject/titanic - namespace is (unset), expected argocd',
      'dist/staging/postgres.yaml - Service/postgres - namespace is titanic-prod, expected titanic-staging',
    ]);
  });

  it('TGP-014 every Argo CD Application in project titanic', async () => {
    const out = await violations('TGP-014', (all) => {
      pick(all, 'argocd', 'ApplicationSet', 'titanic').spec.template.spec.project = 'default';
      all.push({
        file: 'dist/argocd/extra.yaml',
        folder: 'argocd',
        object: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Application',
          metadata: { name: 'x' },
          spec: {},
        },
      });
    });
    expect(out).toEqual([
      'dist/argocd/argocd.yaml - ApplicationSet/titanic - project is default, expected titanic',
      'dist/argocd/extra.yaml - Application/x - project is (unset), expected titanic',
    ]);
  });

  it('prints conftest-style lines with the rule id, reason and fix', async () => {
    const all = structuredClone(await manifests());
    delete (all.find((m) => m.object.kind === 'Deployment')!.object as Json).spec.template.spec.containers[0]
      .livenessProbe;
    const results = runPolicies(
      all,
      ctx(),
      RULES.filter((r) => r.id.startsWith('TGP-004')),
    );
    const text = formatResults(results, all.length, [RULES[3]!]);
    expect(text).toMatch(
      /^FAIL - dist\/dev\/\w+\.yaml - Deployment\/\w+ - container "\w+" has no livenessProbe \[TGP-004 probes\]$/m,
    );
    expect(text).toContain('       why: Rollouts and Services only avoid broken pods');
    expect(text).toContain('       fix: Add readinessProbe and livenessProbe');
    expect(text).toMatch(/\d+ tests, \d+ passed, 0 warnings, 1 failures, 0 exceptions$/);
  });
});
