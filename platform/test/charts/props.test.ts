import { App, type Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { InferenceChart } from '../../src/charts/inference/chart.ts';
import { PostgresChart } from '../../src/charts/postgres/chart.ts';
import { PromoterChart } from '../../src/charts/promoter/chart.ts';
import type { Json } from './render.ts';

// Charts are built from their props alone: no environment file, no registry.
const placement = { envName: 'qa', namespace: 'titanic-qa' };
const image = { repository: 'ghcr.io/titanic-ml/titanic-promoter', tag: '1.0.0' };
const objects = (chart: Chart): Json[] => chart.toJson();
const kind = (all: Json[], k: string) => all.find((o) => o.kind === k);
const containerEnv = (deployment: Json) =>
  Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e: Json) => [e.name, e.value]));

describe('charts from props', () => {
  it('the promoter asks Argo CD to sync rollbacks only where told to, and pulls with secrets only when given', () => {
    const githubApp = { appId: 1, installationId: 2, slug: 'qa-bot' };
    const plain = objects(new PromoterChart(new App(), 'p', { ...placement, image, githubApp }));
    const deployment = kind(plain, 'Deployment');
    expect(deployment.metadata.namespace).toBe('titanic-qa');
    expect(containerEnv(deployment).PROMOTER_LOGINS).toBe('qa-bot[bot],github-actions[bot]');
    expect(containerEnv(deployment).ARGOCD_SERVER).toBeUndefined();
    expect(deployment.spec.template.spec.imagePullSecrets).toBeUndefined();

    const syncing = objects(
      new PromoterChart(new App(), 'p', {
        ...placement,
        image,
        githubApp,
        syncsRollbacks: true,
        imagePullSecrets: ['ghcr'],
      }),
    );
    const withSync = kind(syncing, 'Deployment');
    expect(containerEnv(withSync).ARGOCD_APPLICATION).toBe('titanic-qa');
    expect(withSync.spec.template.spec.imagePullSecrets).toEqual([{ name: 'ghcr' }]);
  });

  it('Postgres leaves the StorageClass to the cluster unless one is named', () => {
    const resources = { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } };
    const base = { ...placement, version: '16.4', resources, generatorImage: image };
    const statefulSet = (storage: { size: string; storageClass?: string }) =>
      kind(objects(new PostgresChart(new App(), 'p', { ...base, storage })), 'StatefulSet');
    expect(statefulSet({ size: '1Gi' }).spec.volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
    expect(
      statefulSet({ size: '1Gi', storageClass: 'fast' }).spec.volumeClaimTemplates[0].spec.storageClassName,
    ).toBe('fast');
  });

  it('the server spreads over nodes softly unless a hard spread is required', () => {
    const props = {
      ...placement,
      image: { repository: 'ghcr.io/titanic-ml/titanic-inference', tag: '1.0.0' },
      model: {
        version: '2026.11.25-10',
        sha256: 'a'.repeat(64),
        modelcarRepository: 'ghcr.io/titanic-ml/titanic-model',
      },
      inference: {
        minReplicas: 1,
        maxReplicas: 2,
        targetCpuUtilization: 70,
        scaleDownStabilizationSeconds: 300,
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
        logLevel: 'info' as const,
      },
      host: 'qa.example.com',
      ingress: { className: 'nginx', rateLimitRps: 10, bodySize: '1m' },
      modelMetadata: '{}',
    };
    const spread = (requireNodeSpread?: boolean) =>
      kind(
        objects(new InferenceChart(new App(), 'i', { ...props, requireNodeSpread })),
        'Deployment',
      ).spec.template.spec.topologySpreadConstraints.find(
        (c: Json) => c.topologyKey === 'kubernetes.io/hostname',
      ).whenUnsatisfiable;
    expect(spread()).toBe('ScheduleAnyway');
    expect(spread(true)).toBe('DoNotSchedule');
    const all = objects(new InferenceChart(new App(), 'i', props));
    expect(all.find((o) => o.kind === 'ConfigMap' && o.data?.['model.json'])?.metadata.name).toBe(
      'model-metadata-2026.11.25-10',
    );
    // One replica: no disruption budget.
    expect(kind(all, 'PodDisruptionBudget')).toBeUndefined();
    // A pinned shadow's metadata is mounted, so the chart refuses to render without its text.
    const shadowed = {
      ...props,
      model: { ...props.model, shadow: { version: '2026.11.26-1', sha256: 'b'.repeat(64) } },
    };
    expect(() => new InferenceChart(new App(), 's', shadowed)).toThrow(/model\.shadow pins 2026\.11\.26-1/);
    const withText = objects(new InferenceChart(new App(), 't', { ...shadowed, shadowMetadata: '{}' }));
    expect(withText.filter((o) => o.kind === 'ConfigMap' && o.data?.['model.json'])).toHaveLength(2);
  });
});
