import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSENGER } from '@titanic/inference/test/support.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImageRoot, imageSource } from './image-roots.ts';
import { type InferencePod, startInferencePod } from './inference-pod.ts';
import { container, imageTag, readRenderedPod } from './pod-spec.ts';
import { requireSandboxTools } from './sandbox.ts';

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

afterAll(() => rm(work, { recursive: true, force: true }));
