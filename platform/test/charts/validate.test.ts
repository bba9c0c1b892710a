import { describe, expect, it } from 'vitest';
import { synthEnvironments } from '../../src/synth/render.ts';
import { formatProblem, validateObject, validateRendered } from '../../src/synth/validate.ts';
import { renderFixture } from './render.ts';

describe('schema validation of rendered manifests', () => {
  it('every object of this checkout is valid against Kubernetes 1.28 and the Argo CD CRDs', async () => {
    const problems = await validateRendered(await synthEnvironments());
    expect(problems.map(formatProblem)).toEqual([]);
  });

  it('every object of the fixture render is valid', async () => {
    const problems = await validateRendered(await renderFixture());
    expect(problems.map(formatProblem)).toEqual([]);
  });

  it('names file, kind/name and JSON path of a broken field', async () => {
    const problems = await validateObject('dist/dev/inference.yaml', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'inference' },
      spec: {
        selector: { matchLabels: { a: 'b' } },
        template: { spec: { containers: [{ name: 'x', image: 'y', ports: [{ containerPort: 'eighty' }] }] } },
      },
    });
    expect(problems.map(formatProblem)).toContain(
      'dist/dev/inference.yaml: Deployment/inference: /spec/template/spec/containers/0/ports/0/containerPort: must be integer',
    );
  });

  it('refuses an Argo CD ApplicationSet with a wrong type', async () => {
    const problems = await validateObject('dist/argocd/argocd.yaml', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'titanic' },
      spec: { goTemplate: 'yes', generators: [], template: { metadata: {}, spec: {} } },
    });
    expect(problems.some((p) => p.object === 'ApplicationSet/titanic' && p.path === '/spec/goTemplate')).toBe(
      true,
    );
  });

  it('refuses fields that Kubernetes 1.28 does not have', async () => {
    const problems = await validateObject('dist/dev/x.yaml', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'i:1', lifecycle: { preStop: { sleep: { seconds: 5 } } } }] },
    });
    expect(problems.map(formatProblem)).toContain(
      'dist/dev/x.yaml: Pod/p: /spec/containers/0/lifecycle/preStop/sleep: not available in Kubernetes 1.28: added in 1.29 (lifecycle sleep action)',
    );
  });

  it('reports kinds it has no schema for', async () => {
    const problems = await validateObject('f.yaml', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
    });
    expect(problems[0]?.message).toBe('no schema for example.com/v1 Widget');
  });
});

describe('argocd/root.yaml', () => {
  it('is valid and bootstraps dist/argocd from a project limited to the argocd namespace', async () => {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { parseAllDocuments } = await import('yaml');
    const text = await readFile(join(import.meta.dirname, '..', '..', '..', 'argocd', 'root.yaml'), 'utf8');
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    const problems = (await Promise.all(docs.map((d) => validateObject('argocd/root.yaml', d)))).flat();
    expect(problems.map(formatProblem)).toEqual([]);
    const [project, app] = docs;
    expect(project.spec.destinations).toEqual([
      { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
    ]);
    expect(app.spec.project).toBe('titanic-bootstrap');
    expect(app.spec.source).toEqual({
      repoURL: 'https://github.com/titanic-ml/titanic-gitops.git',
      targetRevision: 'main',
      path: 'dist/argocd',
    });
  });
});
