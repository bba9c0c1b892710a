import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { POSTGRES, UPSTREAM, type UpstreamImage, upstreamRef } from '../../src/charts/images.ts';
import { REPO_ROOT } from '../../src/environments/load.ts';
import { allContainers, podSpecOf } from '../../src/policies/pods.ts';
import { PINNED_UPSTREAM } from '../../src/policies/rules/images.ts';
import type { K8sObject } from '../../src/policies/types.ts';

interface Use {
  readonly image: string;
  readonly where: string;
}

/** Every container image of the committed dist/, with the file and object that pulls it. */
async function imagesInDist(): Promise<Use[]> {
  const uses: Use[] = [];
  const dist = join(REPO_ROOT, 'dist');
  for (const folder of await readdir(dist, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of (await readdir(join(dist, folder.name))).sort()) {
      const text = await readFile(join(dist, folder.name, file), 'utf8');
      for (const doc of parseAllDocuments(text)) {
        const object = doc.toJS() as K8sObject;
        const pod = object && podSpecOf(object);
        if (!pod) continue;
        for (const { container } of allContainers(pod))
          uses.push({
            image: container.image ?? '',
            where: `${folder.name}/${file} ${object.kind}/${object.metadata?.name} ${container.name}`,
          });
      }
    }
  }
  return uses;
}

/** The repositories .github/workflows/release.yml pushes (its `env:` block and the service matrix). */
async function releasedRepositories(): Promise<string[]> {
  const workflow = parse(await readFile(join(REPO_ROOT, '.github/workflows/release.yml'), 'utf8'));
  const matrix: { image: string }[] = workflow.jobs['service-images'].strategy.matrix.include;
  return [...Object.values(workflow.env as Record<string, string>), ...matrix.map((m) => m.image)];
}

describe('images in dist/', () => {
  it('each is built by the release workflow or is a maintained upstream image pinned by digest', async () => {
    const released = await releasedRepositories();
    const upstream: UpstreamImage[] = [...Object.values(UPSTREAM), ...Object.values(POSTGRES)];
    const rows = new Map<string, string[]>();
    const unknown: string[] = [];
    const add = (image: string, source: string, where: string) =>
      rows.set(`${image}\n    source: ${source}`, [
        ...(rows.get(`${image}\n    source: ${source}`) ?? []),
        where,
      ]);
    for (const use of await imagesInDist()) {
      const repository = use.image.split('@')[0]!.replace(/:[^:/]+$/, '');
      const pinned = upstream.find((u) => upstreamRef(u) === use.image);
      if (released.includes(repository)) add(use.image, 'built by .github/workflows/release.yml', use.where);
      else if (pinned) add(use.image, `${pinned.maintainer}; digest ${pinned.source}`, use.where);
      else unknown.push(`${use.image} (${use.where})`);
    }
    const table = [...rows].map(([image, where]) => `${image}\n    used by: ${where.join(', ')}`);
    console.log(`images in dist/ and their sources:\n${table.join('\n')}`);
    expect(unknown, 'images with no known source').toEqual([]);
    expect(rows.size).toBeGreaterThan(9);
  });

  it('the release workflow builds the inference, modelcar and promoter images', async () => {
    expect((await releasedRepositories()).sort()).toEqual([
      'ghcr.io/titanic-ml/titanic-inference',
      'ghcr.io/titanic-ml/titanic-model',
      'ghcr.io/titanic-ml/titanic-promoter',
    ]);
  });

  it('environment files use only the project registry named once in charts/constants.ts', async () => {
    const { checkImageRegistry } = await import('../../src/synth/image-registry.ts');
    const { loadEnvironment } = await import('../../src/environments/load.ts');
    const { FIXTURE_ROOT } = await import('./render.ts');
    const env = await loadEnvironment('prod', { root: FIXTURE_ROOT });
    expect(() => checkImageRegistry(env)).not.toThrow();
    const moved = {
      ...env,
      promoter: {
        ...env.promoter,
        image: { ...env.promoter.image, repository: 'docker.io/someone/promoter' },
      },
    };
    expect(() => checkImageRegistry(moved)).toThrow(
      'environments/prod.yaml: promoter.image.repository: docker.io/someone/promoter is outside ghcr.io/titanic-ml/ (set IMAGE_REGISTRY in platform/src/charts/constants.ts when the registry moves)',
    );
  });

  it('argocd/root.yaml names the repository of charts/constants.ts', async () => {
    const { REPO_URL } = await import('../../src/charts/constants.ts');
    const docs = parseAllDocuments(await readFile(join(REPO_ROOT, 'argocd/root.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    );
    const urls = JSON.stringify(docs).match(/https:\/\/github\.com\/[^"]+/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    expect([...new Set(urls)]).toEqual([REPO_URL]);
  });

  it('every upstream image names its tag, digest, maintainer and where the digest came from', () => {
    for (const image of [...Object.values(UPSTREAM), ...Object.values(POSTGRES)]) {
      expect(upstreamRef(image)).toMatch(PINNED_UPSTREAM);
      expect(image.maintainer.length).toBeGreaterThan(3);
      expect(image.source.length).toBeGreaterThan(10);
    }
  });

  it('pods that pull from the project registry carry the environment pull secrets', async () => {
    const { synthEnvironments } = await import('../../src/synth/render.ts');
    const { FIXTURE_ROOT } = await import('./render.ts');
    // The fixture's staging file names a pull secret; every pod with a ghcr.io/titanic-ml image gets it.
    const files = await synthEnvironments({ root: FIXTURE_ROOT });
    let pods = 0;
    for (const [path, text] of Object.entries(files)) {
      if (!path.startsWith('dist/staging/')) continue;
      for (const doc of parseAllDocuments(text)) {
        const pod = podSpecOf(doc.toJS() as K8sObject);
        if (!pod) continue;
        const ours = allContainers(pod).some(({ container }) =>
          container.image?.startsWith('ghcr.io/titanic-ml/'),
        );
        const secrets = (pod as { imagePullSecrets?: { name: string }[] }).imagePullSecrets ?? [];
        if (ours) {
          pods += 1;
          expect(secrets, path).toEqual([{ name: 'ghcr-pull' }]);
        }
      }
    }
    expect(pods).toBe(3); // inference, promoter, credentials Job
  });
});
