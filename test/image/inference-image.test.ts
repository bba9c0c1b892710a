import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBatch, FEATURE_COUNT, MODEL_FILES, passengerSchema } from '@titanic/features';
import { loadModel } from '@titanic/inference/model/load.ts';
import { PASSENGER } from '@titanic/inference/test/support.ts';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImageRoot, imageSource } from './image-roots.ts';
import { type InferencePod, startInferencePod } from './inference-pod.ts';
import { container, imageTag, readRenderedPod } from './pod-spec.ts';
import { requireSandboxTools } from './sandbox.ts';
import { checkoutWithShadow, type ShadowPin } from './shadow-checkout.ts';

// The inference image as each environment's rendered Deployment runs it: the filesystem built by
// services/inference/image/build.sh (what the Dockerfile runs), the init containers' own commands
// filling /model from the modelcar image, then the server as uid 10001 on a read-only root with
// exactly the manifest's env, command and args. Test values: test/image/README.md.

const work = await mkdtemp(join(tmpdir(), 'image-test-'));
// The pod user (uid 10001) must be able to reach the images and volumes below it.
await chmod(work, 0o755);
let images: ((ref: string) => Promise<ImageRoot>) | undefined;

beforeAll(() => {
  requireSandboxTools();
  images = imageSource(work);
});

describe.each(['dev', 'staging', 'prod'])('the inference image as dist/%s runs it', (env) => {
  let running: InferencePod;
  const probeResults: string[] = [];

  beforeAll(async () => {
    running = await startInferencePod(await readRenderedPod(env, 'inference'), {
      dir: work,
      images: images!,
    });
  });

  afterAll(async () => {
    if (probeResults.length > 0)
      console.log(`dist/${env} inference image probes:\n  ${probeResults.join('\n  ')}`);
    await running?.dispose();
  });

  it('runs as uid 10001 with a read-only root: only the writable emptyDir mounts can be written', async () => {
    const { server, pod } = running;
    const pid = await server.pid();
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const uid = process.getuid?.() === 0 ? 10001 : process.getuid?.();
    expect(status).toMatch(new RegExp(`^Uid:\\s+${uid}\\s+${uid}\\s+${uid}\\s+${uid}$`, 'm'));
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
    expect(cmdline[0]).toBe('node');
    const writable = (await readFile(`/proc/${pid}/mountinfo`, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' '))
      .filter((f) => f[5]!.split(',').includes('rw'))
      .map((f) => f[4]!)
      .filter((mount) => !['/proc', '/dev'].some((m) => mount === m || mount.startsWith(`${m}/`)));
    const emptyDirs = (server.spec.volumeMounts ?? [])
      .filter((m) => !m.readOnly && pod.rendered.spec.volumes?.find((v) => v.name === m.name)?.emptyDir)
      .map((m) => m.mountPath);
    expect(writable.sort()).toEqual(emptyDirs.sort());
  });

  it('answers 200 on every probe path of the manifest', async () => {
    const { server, pod, probes } = running;
    expect(probes.map((p) => p.kind).sort()).toEqual(['liveness', 'readiness', 'startup']);
    for (const probe of probes) {
      const answer = await server.http(probe.port, probe.path, { headers: probe.headers });
      probeResults.push(
        `${probe.kind} GET :${probe.port}${probe.path} -> ${answer.status} ${answer.body.slice(0, 80)}`,
      );
      expect(answer.status, `${probe.kind} probe ${probe.path}`).toBe(200);
    }
    const annotations = pod.rendered.annotations;
    const scrape = await running.scrape();
    probeResults.push(
      `scrape GET :${annotations['prometheus.io/port']}${annotations['prometheus.io/path']} -> ${scrape.status}`,
    );
    expect(scrape.status).toBe(200);
    expect(scrape.body).toMatch(/^titanic_model_ready(\{[^}]*\})? 1$/m);
    // Scrapes go to the metrics port only, and name no runtime version an attacker could match.
    expect(annotations['prometheus.io/port']).not.toBe(String(server.spec.ports![0]!.containerPort));
    expect(scrape.body).not.toContain('nodejs_version_info');
    expect((await server.http(server.spec.ports![0]!.containerPort, '/metrics')).status).toBe(404);
  });

  it('predicts with the pinned model and logs the prediction to PostgreSQL', async () => {
    const answer = await running.predict(PASSENGER);
    probeResults.push(`POST /v1/predict -> ${answer.status} ${answer.body.slice(0, 120)}`);
    expect(answer.status, answer.body).toBe(200);
    const body = JSON.parse(answer.body);
    const version = imageTag(container(running.pod.rendered, 'modelcar').image!);
    expect(body.model).toEqual({ name: 'titanic', version });
    expect(body.probability).toBeGreaterThan(0);
    expect(body.probability).toBeLessThan(1);
    const [row] = await running.loggedPredictions();
    expect(row).toMatchObject({
      request_id: body.requestId,
      model_version: version,
      shadow_model_version: null,
    });
  });

  it('runs the preStop hook while still ready, then exits 0 on SIGTERM, as the kubelet stops it', async () => {
    const { server, pod, probes } = running;
    const hook = server.spec.lifecycle?.preStop?.exec?.command;
    if (hook) {
      const ran = pod.run('inference', hook);
      const probe = probes.find((p) => p.kind === 'readiness')!;
      expect((await server.http(probe.port, probe.path)).status).toBe(200);
      const result = await ran;
      probeResults.push(`preStop ${JSON.stringify(hook)} -> exit ${result.code}`);
      expect(result, result.output).toMatchObject({ code: 0, signal: null });
    }
    const exit = await server.stop('SIGTERM');
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
  });
});

/** What model `version` of this checkout's registry answers for `passenger` alone, run here. */
async function probabilityAlone(version: string, passenger: unknown): Promise<number> {
  const model = await loadModel({ modelPath: join(REPO_ROOT, 'models/titanic', version, MODEL_FILES.onnx) });
  try {
    const { inputName, outputName } = model.metadata.onnx;
    const rows = encodeBatch([passengerSchema.parse(passenger)], model.metadata.encoder);
    const out = await model.session.run({ [inputName]: new ort.Tensor('float32', rows, [1, FEATURE_COUNT]) });
    return (out[outputName]!.data as Float32Array)[0]!;
  } finally {
    await model.session.release();
  }
}

// prod pinning a shadow, rendered by the platform's synth from a copy of the environments and
// models: the pod runs both modelcar steps and the server pairs the two models in one graph.
describe('the inference image as dist/prod runs it with a shadow pinned', () => {
  let running: InferencePod;
  let shadow: ShadowPin;
  const shadowLines: string[] = [];

  beforeAll(async () => {
    const root = join(work, 'checkout-with-shadow');
    await mkdir(root);
    ({ shadow } = await checkoutWithShadow(root, 'prod'));
    const rendered = await readRenderedPod('prod', 'inference', root);
    running = await startInferencePod(rendered, { dir: work, images: images! });
  });

  afterAll(async () => {
    if (shadowLines.length > 0)
      console.log(`dist/prod with shadow ${shadow.version}:\n  ${shadowLines.join('\n  ')}`);
    await running?.dispose();
  });

  it("runs both modelcar steps: the shadow's copies its model and passes the pinned sha256 check", async () => {
    const initContainers = running.pod.rendered.spec.initContainers!;
    expect(initContainers.map((c) => c.name)).toEqual(['tools', 'modelcar', 'shadow-modelcar']);
    expect(imageTag(container(running.pod.rendered, 'shadow-modelcar').image!)).toBe(shadow.version);
    const step = running.init[initContainers.findIndex((c) => c.name === 'shadow-modelcar')]!;
    expect(step.output).toMatch(/^\/shadow-model\/model\.onnx: OK$/m);
    const copied = await readFile(join(running.pod.volume('shadow-model'), 'model.onnx'));
    const registry = await readFile(join(REPO_ROOT, 'models/titanic', shadow.version, MODEL_FILES.onnx));
    expect(copied.equals(registry)).toBe(true);
  });

  it('loads the shadow paired with the served model in one onnxruntime graph, as its /metrics says', async () => {
    const scrape = await running.scrape();
    expect(scrape.status).toBe(200);
    shadowLines.push(...(scrape.body.match(/^titanic_shadow_(ready|configured|info)\b.*$/gm) ?? []));
    const lines = scrape.body.split('\n');
    expect(lines).toContain('titanic_shadow_ready 1');
    expect(lines).toContain(
      `titanic_shadow_info{version="${shadow.version}",sha256="${shadow.sha256}",run="paired"} 1`,
    );
  });

  it("answers with the served model only and logs the shadow's own probability beside it", async () => {
    const answer = await running.predict(PASSENGER);
    shadowLines.push(`POST /v1/predict -> ${answer.status} ${answer.body.slice(0, 120)}`);
    expect(answer.status, answer.body).toBe(200);
    const served = imageTag(container(running.pod.rendered, 'modelcar').image!);
    expect(JSON.parse(answer.body).model).toEqual({ name: 'titanic', version: served });
    expect(answer.body).not.toContain(shadow.version);
    const [row] = await running.loggedPredictions();
    const alone = await probabilityAlone(shadow.version, PASSENGER);
    shadowLines.push(
      `logged shadow ${row!.shadow_model_version} ${JSON.stringify(row!.shadow_probabilities)} (alone: ${alone})`,
    );
    expect(row).toMatchObject({ model_version: served, shadow_model_version: shadow.version });
    expect((row!.shadow_probabilities as number[]).map(Math.fround)).toEqual([alone]);
  });

  it('exits 0 on SIGTERM with the shadow loaded', async () => {
    const exit = await running.server.stop('SIGTERM');
    expect(exit, running.server.output()).toEqual({ code: 0, signal: null });
  });
});

afterAll(() => rm(work, { recursive: true, force: true }));
