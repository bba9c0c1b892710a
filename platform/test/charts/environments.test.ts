import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { find, type Json, objects, renderFixture } from './render.ts';

/** Generated bodies owned elsewhere (dashboards, rules, model.json) are elided from snapshots. */
function skeleton(text: string): string {
  return text
    .replace(
      /^( {2}(titanic\.yaml|model\.json|[a-z0-9-]+\.json)): \|-?\n(( {4}.*)?\n)+/gm,
      '$1: <generated>\n',
    )
    .replace(/titanic\.ml\/config-hash: \w+/g, 'titanic.ml/config-hash: <hash>');
}

describe('per-environment differences', () => {
  it('dev is small: one replica minimum, no PDB, no TLS, no sync window', async () => {
    const hpa = await find('dev', 'HorizontalPodAutoscaler', 'inference');
    expect(hpa.spec.minReplicas).toBe(1);
    expect((await objects('dev')).some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    const ingress = await find('dev', 'Ingress', 'inference');
    expect(ingress.spec.tls).toBeUndefined();
  });

  it('staging is like prod but smaller: 2 replicas, PDB, TLS', async () => {
    const hpa = await find('staging', 'HorizontalPodAutoscaler', 'inference');
    expect(hpa.spec.minReplicas).toBe(2);
    expect((await find('staging', 'PodDisruptionBudget', 'inference')).spec.maxUnavailable).toBe(1);
    const ingress = await find('staging', 'Ingress', 'inference');
    expect(ingress.spec.tls).toEqual([
      { hosts: ['titanic.staging.example.com'], secretName: 'titanic-staging-tls' },
    ]);
  });

  it('prod is HA: ≥ 3 replicas, PDB, hard spread over nodes, TLS, sync window', async () => {
    const hpa = await find('prod', 'HorizontalPodAutoscaler', 'inference');
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(3);
    await find('prod', 'PodDisruptionBudget', 'inference');
    const deploy = await find('prod', 'Deployment', 'inference');
    const spread = deploy.spec.template.spec.topologySpreadConstraints;
    expect(spread.find((c: Json) => c.topologyKey === 'kubernetes.io/hostname').whenUnsatisfiable).toBe(
      'DoNotSchedule',
    );
    expect(
      (await find('prod', 'Ingress', 'inference')).metadata.annotations['cert-manager.io/cluster-issuer'],
    ).toBe('letsencrypt-prod');
    const project = await find('argocd', 'AppProject', 'titanic');
    expect(project.spec.syncWindows).toEqual([
      {
        applications: ['titanic-prod'],
        duration: '8h',
        kind: 'allow',
        manualSync: true,
        schedule: '0 9 * * 1-4',
        timeZone: 'UTC',
      },
    ]);
  });

  it('the Deployment never sets replicas (the HPA owns them) and wires the model and env', async () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const d = await find(env, 'Deployment', 'inference');
      expect(d.spec.replicas).toBeUndefined();
      const [tools, modelcar] = d.spec.template.spec.initContainers;
      expect(tools.name).toBe('tools');
      expect(modelcar.image).toBe('ghcr.io/titanic-ml/titanic-model:2026.01.01-1');
      expect(modelcar.command.join(' ')).toContain(
        `echo "${'a'.repeat(64)}  /model/model.onnx" | /tools/busybox sha256sum -c -`,
      );
      const envVars = Object.fromEntries(
        d.spec.template.spec.containers[0].env.map((e: Json) => [e.name, e.value ?? e.valueFrom]),
      );
      expect(envVars).toMatchObject({
        ENVIRONMENT: env,
        IMAGE_VERSION: '0.1.0',
        MODEL_PATH: '/model/model.onnx',
        MODEL_SHA256: 'a'.repeat(64),
        DATABASE_URL: { secretKeyRef: { name: 'inference-database', key: 'url' } },
      });
      expect(d.metadata.namespace).toBe(`titanic-${env}`);
    }
  });

  it('sizes grow from dev to prod', async () => {
    const size = async (env: string) =>
      (await find(env, 'StatefulSet', 'postgres')).spec.volumeClaimTemplates[0].spec.resources.requests
        .storage;
    expect([await size('dev'), await size('staging'), await size('prod')]).toEqual(['1Gi', '5Gi', '20Gi']);
  });

  it('Prometheus discovers pods of its own namespace only and labels series with env', async () => {
    for (const env of ['dev', 'prod']) {
      const cm = await find(env, 'ConfigMap', 'prometheus-config');
      const config = parse(cm.data['prometheus.yml']);
      const inference = config.scrape_configs.find((j: Json) => j.job_name === 'inference');
      expect(inference.kubernetes_sd_configs).toEqual([
        { role: 'pod', namespaces: { names: [`titanic-${env}`] } },
      ]);
      expect(inference.relabel_configs).toContainEqual({ target_label: 'env', replacement: env });
    }
  });

  it('the ApplicationSet makes titanic-<env> Applications from one list generator', async () => {
    const set = await find('argocd', 'ApplicationSet', 'titanic');
    expect(set.spec.goTemplate).toBe(true);
    expect(set.spec.goTemplateOptions).toEqual(['missingkey=error']);
    expect(set.spec.generators[0].list.elements.map((e: Json) => e.env)).toEqual(['dev', 'staging', 'prod']);
    expect(set.spec.template.metadata.name).toBe('titanic-{{.env}}');
    expect(set.spec.template.spec.source.path).toBe('dist/{{.env}}');
    expect(set.spec.template.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
    expect(set.spec.templatePatch).toContain('selfHeal: true');
  });

  it('sync waves: credentials, then Postgres, then the service, then Ingress and HPA', async () => {
    const wave = async (kind: string, name: string) =>
      Number((await find('prod', kind, name)).metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    const order = [
      await wave('Job', 'generate-credentials'),
      await wave('StatefulSet', 'postgres'),
      await wave('Deployment', 'inference'),
      await wave('Ingress', 'inference'),
    ];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(4);
    expect(await wave('HorizontalPodAutoscaler', 'inference')).toBe(order[3]);
  });
});

describe('snapshots', () => {
  it('matches the rendered skeleton of every file', async () => {
    const files = await renderFixture();
    for (const [path, text] of Object.entries(files)) {
      await expect(skeleton(text)).toMatchFileSnapshot(
        `__snapshots__/${path.replace(/^dist\//, '').replace(/\//g, '__')}`,
      );
    }
  });
});
