import { createHash } from 'node:crypto';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageSource } from './image-roots.ts';
import { TestPod } from './kubelet.ts';
import { container, imageTag, type RenderedPod, readRenderedPod } from './pod-spec.ts';
import { requireSandboxTools } from './sandbox.ts';

// The inference pod's init containers run with their exact commands from dist/<env>/: `tools`
// copies the busybox image's binary (Debian's static busybox) into an emptyDir, `modelcar` runs
// it to copy the model out of the modelcar image (built by image/modelcar.sh) and check the
// sha256 the environment pins.

const work = await mkdtemp(join(tmpdir(), 'modelcar-test-'));
// The pod user (uid 10001) must be able to reach the images and volumes below it.
await chmod(work, 0o755);

beforeAll(() => requireSandboxTools());
afterAll(() => rm(work, { recursive: true, force: true }));

describe.each(['dev', 'staging', 'prod'])('the modelcar init containers of dist/%s', (env) => {
  let rendered: RenderedPod;
  let version: string;

  beforeAll(async () => {
    rendered = await readRenderedPod(env, 'inference');
    version = imageTag(container(rendered, 'modelcar').image!);
  });

  it('copy the pinned model into the model emptyDir, and its sha256 check passes', async () => {
    const pod = await TestPod.create(rendered, {
      dir: await mkdtemp(join(work, `${env}-`)),
      images: imageSource(await mkdtemp(join(work, 'images-'))),
      values: { secrets: {} },
    });
    try {
      const [tools, modelcar] = await pod.runInitContainers();
      expect(tools!.code).toBe(0);
      expect(modelcar!.output).toMatch(/^\/model\/model\.onnx: OK$/m);
      const served = await readFile(join(pod.volume('model'), 'model.onnx'));
      expect(served.equals(await readFile(join(REPO_ROOT, 'models/titanic', version, 'model.onnx')))).toBe(
        true,
      );
      const metadata = container(rendered, 'modelcar').volumeMounts!.find(
        (m) => m.mountPath === '/metadata',
      )!;
      const configMap = rendered.spec.volumes!.find((v) => v.name === metadata.name)!.configMap!.name!;
      expect(await readFile(join(pod.volume('model'), 'model.json'), 'utf8')).toBe(
        rendered.configMaps.get(configMap)!['model.json'],
      );
    } finally {
      await pod.dispose();
    }
  });

  it('fail, and so keep the server from starting, when the modelcar holds a model with another sha256', async () => {
    // A modelcar image built from another file (its model.json agreeing, so the image build passes).
    const models = await mkdtemp(join(work, 'checkout-'));
    const dir = join(models, 'models/titanic', version);
    await cp(join(REPO_ROOT, 'models/titanic', version), dir, { recursive: true });
    const onnx = await readFile(join(dir, 'model.onnx'));
    onnx.writeUInt8(onnx.readUInt8(onnx.length - 1) ^ 0xff, onnx.length - 1);
    await writeFile(join(dir, 'model.onnx'), onnx);
    const meta = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    meta.files.onnx.sha256 = createHash('sha256').update(onnx).digest('hex');
    await writeFile(join(dir, 'model.json'), JSON.stringify(meta));

    const pod = await TestPod.create(rendered, {
      dir: await mkdtemp(join(work, `${env}-bad-`)),
      images: imageSource(await mkdtemp(join(work, 'images-')), models),
      values: { secrets: {} },
    });
    try {
      expect((await pod.run('tools')).code).toBe(0);
      const modelcar = await pod.run('modelcar');
      expect(modelcar.code).not.toBe(0);
      expect(modelcar.output).toMatch(/^\/model\/model\.onnx: FAILED$/m);
      await expect(pod.runInitContainers()).rejects.toThrow(/init container modelcar exited 1/);
    } finally {
      await pod.dispose();
    }
  });
});
