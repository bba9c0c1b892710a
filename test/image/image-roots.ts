import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { type ImageConfig, readImageConfig } from './dockerfile.ts';
import { imageRepository, imageTag } from './pod-spec.ts';
import { BUSYBOX, type Layer } from './sandbox.ts';

const run = promisify(execFile);

/** An image's filesystem and runtime configuration, as the sandbox runs it. */
export interface ImageRoot {
  readonly layers: readonly Layer[];
  /** Whether the image carries a Debian userland (node:24-slim does; scratch and busybox do not). */
  readonly debian: boolean;
  readonly node?: string;
  readonly config: ImageConfig;
}

const SERVICE = join(REPO_ROOT, 'services/inference');
const BUILD = join(SERVICE, 'image/build.sh');
const CACHE = join(REPO_ROOT, 'node_modules/.cache/inference-image');

/** node:24-slim's own ENV (docker-library/repo-info); NODE_VERSION is the node that runs here. */
const NODE_IMAGE_ENV: ReadonlyArray<readonly [string, string]> = [
  ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
  ['NODE_VERSION', process.versions.node],
  ['YARN_VERSION', '1.22.22'],
];

async function sh(args: string[]): Promise<void> {
  try {
    await run('sh', args, { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`sh ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

/** What `build.sh deps` reads: the lockfile, every workspace manifest and the script itself. */
async function depsKey(): Promise<string> {
  const hash = createHash('sha256').update(`${process.platform}-${process.arch}\n`);
  const root = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  const manifests = root.workspaces.map((w) => `${w}/package.json`);
  for (const file of ['package.json', 'package-lock.json', ...manifests, 'services/inference/image/build.sh'])
    hash.update(`${file}\n`).update(await readFile(join(REPO_ROOT, file)).catch(() => Buffer.alloc(0)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * services/inference's production node_modules from `build.sh deps`, kept under
 * node_modules/.cache keyed on what it is built from (a fresh `npm ci` empties it).
 */
async function inferenceDeps(): Promise<string> {
  const dir = join(CACHE, `deps-${await depsKey()}`);
  const done = join(dir, 'node_modules');
  if (
    await readdir(done).then(
      () => true,
      () => false,
    )
  )
    return done;
  const staging = `${dir}.tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await sh([BUILD, 'deps', REPO_ROOT, staging]);
  await rename(staging, dir).catch(async () => rm(staging, { recursive: true, force: true }));
  // One install is ~350 MB (onnxruntime ships binaries for every platform): keep only this key's.
  for (const entry of await readdir(CACHE))
    if (/^deps-[0-9a-f]+$/.test(entry) && join(CACHE, entry) !== dir)
      await rm(join(CACHE, entry), { recursive: true, force: true });
  return done;
}

/** Directories on the way to `path` must be enterable by the pod user. */
async function openUp(...dirs: string[]): Promise<void> {
  for (const d of dirs) await chmod(d, 0o755);
}

/**
 * The inference image: /app assembled by `build.sh app` (bundle, assets, migrations) over the
 * cached `build.sh deps` node_modules, on the Debian userland with this machine's node as
 * /usr/local/bin/node, and the runtime configuration of services/inference/Dockerfile.
 */
export async function inferenceImage(workDir: string): Promise<ImageRoot> {
  const config = await readImageConfig(join(SERVICE, 'Dockerfile'));
  const deps = await inferenceDeps();
  const app = join(workDir, 'app');
  await sh([BUILD, 'app', REPO_ROOT, app]);
  await mkdir(join(app, 'node_modules'), { recursive: true });
  await openUp(workDir, app);
  return {
    layers: [
      { source: app, target: config.workdir },
      { source: deps, target: join(config.workdir, 'node_modules') },
    ],
    debian: true,
    node: process.execPath,
    config: { ...config, env: [...NODE_IMAGE_ENV, ...config.env] },
  };
}

/** The modelcar image of `version`: /models/model.onnx written by `image/modelcar.sh`. */
export async function modelcarImage(workDir: string, version: string, repo = REPO_ROOT): Promise<ImageRoot> {
  const config = await readImageConfig(join(SERVICE, 'modelcar.Dockerfile'), { command: false });
  const root = join(workDir, `modelcar-${version}`);
  await sh([join(SERVICE, 'image/modelcar.sh'), repo, version, root]);
  await openUp(workDir, root);
  return { layers: [{ source: join(root, 'models'), target: '/models' }], debian: false, config };
}

/**
 * docker.io/library/busybox: /bin holds busybox and a link per applet. Debian's static busybox
 * stands in for the image's; the image sets PATH and `CMD ["sh"]` and nothing else.
 */
export async function busyboxImage(workDir: string): Promise<ImageRoot> {
  const bin = join(workDir, 'busybox-bin');
  await mkdir(bin, { recursive: true });
  await copyFile(BUSYBOX, join(bin, 'busybox'));
  await chmod(join(bin, 'busybox'), 0o755);
  const { stdout } = await run(BUSYBOX, ['--list']);
  for (const applet of stdout.split('\n').filter((a) => a && a !== 'busybox'))
    await symlink('busybox', join(bin, applet)).catch(() => undefined);
  await openUp(workDir, bin);
  return {
    layers: [{ source: bin, target: '/bin' }],
    debian: false,
    config: {
      base: 'scratch',
      env: [['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']],
      workdir: '/',
      user: undefined,
      entrypoint: [],
      cmd: ['sh'],
    },
  };
}

/**
 * Image references of the rendered pods → the images built here, each built once. `models` is
 * the checkout whose models/titanic/<version>/ the modelcar images are built from.
 */
export function imageSource(workDir: string, models = REPO_ROOT): (ref: string) => Promise<ImageRoot> {
  const built = new Map<string, Promise<ImageRoot>>();
  const once = (key: string, make: () => Promise<ImageRoot>) => {
    if (!built.has(key)) built.set(key, make());
    return built.get(key)!;
  };
  return (ref) => {
    const repo = imageRepository(ref);
    if (repo.endsWith('/titanic-inference')) return once('inference', () => inferenceImage(workDir));
    if (repo.endsWith('/titanic-model'))
      return once(`model-${imageTag(ref)}`, () => modelcarImage(workDir, imageTag(ref), models));
    if (repo === 'docker.io/library/busybox' || repo === 'busybox')
      return once('busybox', () => busyboxImage(workDir));
    throw new Error(`image ${ref}: the image test builds no such image (test/image/image-roots.ts)`);
  };
}
