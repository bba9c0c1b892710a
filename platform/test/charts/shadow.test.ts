import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { loadDist, runPolicies } from '../../src/policies/engine.ts';
import { synthEnvironments } from '../../src/synth/render.ts';
import { FIXTURE_ROOT, type Json, objectsOf } from './render.ts';

const SERVED = '2026.01.01-1';
const SHADOW = '2026.01.02-1';
const SHADOW_DIGEST = `sha256:${'5'.repeat(64)}`;
let root: string;
let files: Record<string, string>;

/** The fixture with a second registry entry pinned as prod's shadow. */
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'shadow-chart-'));
  cpSync(FIXTURE_ROOT, root, { recursive: true });
  const entry = join(root, 'models/titanic');
  cpSync(join(entry, SERVED), join(entry, SHADOW), { recursive: true });
  const metadata = join(entry, SHADOW, 'model.json');
  writeFileSync(
    metadata,
    readFileSync(metadata, 'utf8').replace(`"version": "${SERVED}"`, `"version": "${SHADOW}"`),
  );
  const prodFile = join(root, 'environments/prod.yaml');
  const doc = parseDocument(readFileSync(prodFile, 'utf8'));
  const sha256 = String(doc.getIn(['model', 'sha256']));
  // Staging and prod pull every first-party image by digest, the shadow's modelcar too.
  doc.setIn(['model', 'shadow'], { version: SHADOW, sha256, digest: SHADOW_DIGEST });
  writeFileSync(prodFile, doc.toString());
  files = await synthEnvironments({ root });
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const prodInference = () => objectsOf(files['dist/prod/inference.yaml']!) as Json[];

describe('model.shadow in the inference chart', () => {
  it('adds a second modelcar step that never fails the pod, and points the server at its file', () => {
    const objects = prodInference();
    const pod = objects.find((o) => o.kind === 'Deployment').spec.template.spec;
    const step = pod.initContainers.find((c: Json) => c.name === 'shadow-modelcar');
    expect(step.image).toBe(`ghcr.io/titanic-ml/titanic-model:${SHADOW}@${SHADOW_DIGEST}`);
    const script: string = step.command[3];
    expect(script).toContain('sha256sum -c -');
    // The copy and check are one branch; the other leaves no file and succeeds.
    expect(script).toMatch(/^\(.*\) \|\| \(.*rm -f \/shadow-model\/model.onnx/);
    const env = Object.fromEntries(pod.containers[0].env.map((e: Json) => [e.name, e.value]));
    expect(env.SHADOW_MODEL_PATH).toBe('/shadow-model/model.onnx');
    expect(env.SHADOW_MODEL_SHA256).toMatch(/^[0-9a-f]{64}$/);
    const volumes = pod.volumes.map((v: Json) => v.name);
    expect(volumes).toEqual(expect.arrayContaining(['shadow-model', 'shadow-metadata']));
    const configMaps = objects.filter((o) => o.kind === 'ConfigMap').map((o) => o.metadata.name);
    expect(configMaps).toEqual([`model-metadata-${SERVED}`, `model-metadata-${SHADOW}`]);
  });

  it('leaves environments without a shadow as they were', () => {
    const pod = (objectsOf(files['dist/staging/inference.yaml']!) as Json[]).find(
      (o) => o.kind === 'Deployment',
    ).spec.template.spec;
    expect(pod.initContainers.map((c: Json) => c.name)).toEqual(['tools', 'modelcar']);
    expect(pod.containers[0].env.some((e: Json) => e.name === 'SHADOW_MODEL_PATH')).toBe(false);
  });

  it('passes every policy', async () => {
    const { manifests, ctx } = await loadDist(root);
    const failures = runPolicies(manifests, ctx).filter((r) => r.severity === 'fail');
    expect(failures.map((f) => `${f.object}: ${f.message}`)).toEqual([]);
  });
});
