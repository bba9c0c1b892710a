import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main } from '@titanic/promoter/cli.ts';
import { parseReleaseRecord, releasePath } from '@titanic/promoter/release-record.ts';
import { OciRegistry } from '@titanic/promoter/test/support/oci-registry.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelcarImage } from './image-roots.ts';

const run = promisify(execFile);
const REPO_ROOT = join(import.meta.dirname, '../..');
const COMMIT = 'c0ffee'.padEnd(40, '0');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let registry: OciRegistry;
let work: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  registry = await OciRegistry.start();
  work = await mkdtemp(join(tmpdir(), 'release-record-'));
  env = {
    REGISTRY_URL: registry.url,
    REGISTRY_USERNAME: registry.username,
    REGISTRY_PASSWORD: registry.password,
    REGISTRY_TOKEN_ORIGINS: registry.tokenOrigin,
  };
});
afterAll(async () => {
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The modelcar image's one layer, built by image/modelcar.sh as the Dockerfile does, as a tar. */
async function modelcarLayer(version: string): Promise<Buffer<ArrayBuffer>> {
  const image = await modelcarImage(work, version);
  const root = join(image.layers[0]!.source, '..');
  const { stdout } = await run(
    'tar',
    [
      '--sort=name',
      '--mtime=@0',
      '--owner=10001',
      '--group=10001',
      '--numeric-owner',
      '-C',
      root,
      '-cf',
      '-',
      'models',
    ],
    { encoding: 'buffer', maxBuffer: 64 << 20 },
  );
  return Buffer.from(stdout as unknown as Uint8Array);
}

async function record(pushed: string[], out: string): Promise<{ code: number; stderr: string }> {
  const writes: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const quietOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((c: string) => writes.push(String(c)) > 0) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const code = await main(
      ['release-record', '--commit', COMMIT, '--out', out, ...pushed.flatMap((p) => ['--pushed', p])],
      env,
    );
    return { code, stderr: writes.join('') };
  } finally {
    process.stderr.write = write;
    process.stdout.write = quietOut;
  }
}

describe('release record against a real OCI registry', () => {
  it('records for every modelcar and service image the digest the registry serves, and that digest pulls the model', async () => {
    const versions = (await readdir(join(REPO_ROOT, 'models/titanic'), { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(versions.length).toBeGreaterThan(0);
    const pushed: string[] = [];
    for (const v of versions) {
      const digest = await registry.pushImage('titanic-ml/titanic-model', v, await modelcarLayer(v));
      pushed.push(`modelcar:${v}=ghcr.io/titanic-ml/titanic-model:${v}@${digest}`);
    }
    // The service images' content is not what this test is about: one layer each, a distinct digest.
    for (const name of ['inference', 'promoter']) {
      const tag = `0.1.0-${COMMIT.slice(0, 12)}`;
      const digest = await registry.pushImage(`titanic-ml/titanic-${name}`, tag);
      pushed.push(`${name}=ghcr.io/titanic-ml/titanic-${name}:${tag}@${digest}`);
    }
    const out = join(work, 'checkout');
    expect(await record(pushed, out)).toEqual({ code: 0, stderr: '' });

    const path = releasePath(COMMIT);
    const text = await readFile(join(out, path), 'utf8');
    const parsed = parseReleaseRecord(path, text);
    expect(parsed.commit).toBe(COMMIT);
    expect(parsed.artifacts.map((a) => a.name)).toEqual([
      'inference',
      ...versions.map(() => 'modelcar'),
      'promoter',
    ]);
    // Pull each modelcar by the recorded digest: the registry serves exactly those manifest bytes,
    // and its layer holds the model.onnx that model.json records.
    for (const a of parsed.artifacts.filter((x) => x.name === 'modelcar')) {
      const name = a.repository.replace(/^ghcr\.io\//, '');
      const manifest = await registry.pull(name, 'manifests', a.digest);
      expect(`sha256:${sha256(manifest)}`).toBe(a.digest);
      const byTag = await registry.pull(name, 'manifests', a.tag);
      expect(`sha256:${sha256(byTag)}`).toBe(a.digest);
      const layer = (JSON.parse(manifest.toString()) as { layers: Array<{ digest: string }> }).layers[0]!;
      const tar = await registry.pull(name, 'blobs', layer.digest);
      const dir = await mkdtemp(join(work, 'unpacked-'));
      await new Promise<void>((resolve, reject) => {
        const child = execFile('tar', ['-xf', '-', '-C', dir], (e) => (e ? reject(e) : resolve()));
        child.stdin!.end(tar);
      });
      const onnx = await readFile(join(dir, 'models/model.onnx'));
      const meta = JSON.parse(
        await readFile(join(REPO_ROOT, 'models/titanic', a.model!, 'model.json'), 'utf8'),
      );
      expect(sha256(onnx)).toBe(meta.files.onnx.sha256);
    }
    // Written twice from the same inputs: byte-identical.
    const again = join(work, 'again');
    await record([...pushed].reverse(), again);
    expect(await readFile(join(again, path), 'utf8')).toBe(text);
  });

  it('refuses to record a tag the registry serves with other bytes than the build pushed', async () => {
    const tag = `0.1.0-${'d'.repeat(12)}`;
    const built = await registry.pushImage('titanic-ml/titanic-inference', tag);
    // A second push under the same tag (what the release workflow itself never does).
    const overwritten = await registry.pushImage('titanic-ml/titanic-inference', tag, Buffer.from('other'));
    const out = join(work, 'refused');
    const r = await record([`inference=ghcr.io/titanic-ml/titanic-inference:${tag}@${built}`], out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `ghcr.io/titanic-ml/titanic-inference:${tag} is ${overwritten} in the registry, not ${built}`,
    );
    await expect(readdir(join(out, 'releases'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('names the bad argument', async () => {
    const r = await record(['inference=ghcr.io/titanic-ml/titanic-inference:latest'], join(work, 'bad'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--pushed inference=ghcr.io/titanic-ml/titanic-inference:latest is not name=repository:tag@sha256:<64 hex>',
    );
  });
});
