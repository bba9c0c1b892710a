/**
 * `npm run synth` starts here, in plain JavaScript: it runs main.ts (beside this file) from one bundle cached in
 * node_modules/.cache/synth/, rebuilt with esbuild whenever a source file that went into it, the
 * installed packages or this file change. Through tsx every run paid for a second process, an
 * off-thread loader, a transform per file and ESM interop over cdk8s; the bundle is one CommonJS
 * file with its dependencies inside, so start-up is reading one file. The same code renders, so
 * the output is the same.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The repository root: the cache and the lockfile live in its node_modules/.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
const ENTRY = 'platform/src/synth/main.ts';
// SYNTH_CACHE moves the cache, so a test can watch rebuilds without touching this checkout's.
const CACHE = process.env.SYNTH_CACHE ?? join(ROOT, 'node_modules', '.cache', 'synth');
const MANIFEST = join(CACHE, 'manifest.json');
const require = createRequire(import.meta.url);

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * Everything besides the project's sources that decides the bundle: esbuild, this file and the
 * installed packages (npm rewrites node_modules/.package-lock.json on every install).
 */
function buildKey() {
  const esbuild = require('esbuild/package.json').version;
  const installed = readFileSync(join(ROOT, 'node_modules', '.package-lock.json'));
  return sha256(`${esbuild}\n${sha256(installed)}\n${readFileSync(fileURLToPath(import.meta.url))}`);
}

function readManifest() {
  try {
    return JSON.parse(readFileSync(MANIFEST, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The cached bundle when it was built by this launcher from exactly the files on disk now. */
function cachedBundle(key) {
  const manifest = readManifest();
  if (manifest?.key !== key || !existsSync(join(CACHE, manifest.bundle))) return undefined;
  for (const [file, hash] of Object.entries(manifest.inputs)) {
    let current;
    try {
      current = sha256(readFileSync(join(ROOT, file)));
    } catch {
      return undefined;
    }
    if (current !== hash) return undefined;
  }
  return join(CACHE, manifest.bundle);
}

/**
 * Modules find files relative to themselves (`import.meta.url`); in a bundle every module would
 * share the bundle's location, so each source keeps its own URL as a literal.
 */
const keepModuleUrls = {
  name: 'keep-module-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll(
        'import.meta.url',
        JSON.stringify(pathToFileURL(args.path).href),
      ),
      loader: 'ts',
    }));
  },
};

async function rebuild(key) {
  const { build } = await import('esbuild');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // ESM builds of dependencies where offered (zod, yaml): smaller after tree shaking.
    mainFields: ['module', 'main'],
    // Workspace packages are TypeScript sources: bundle them rather than load them untranspiled.
    alias: { '@titanic/features': './services/features/src' },
    plugins: [keepModuleUrls],
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  const files = Object.keys(result.metafile.inputs)
    .filter((f) => !f.includes('node_modules/'))
    .map((f) => relative(ROOT, join(ROOT, f)));
  // Package manifests and the compiler options shape resolution and the transform too.
  const packages = new Set(files.map((f) => /^services\/[^/]+\//.exec(f)?.[0]).filter(Boolean));
  const inputs = {};
  for (const file of [
    ...files,
    'tsconfig.json',
    'package.json',
    ...[...packages].map((p) => `${p}package.json`),
  ])
    inputs[file] = sha256(readFileSync(join(ROOT, file)));
  const bundle = `main-${sha256(code).slice(0, 16)}.cjs`;
  mkdirSync(CACHE, { recursive: true });
  // Write-then-rename: a concurrent run sees the old manifest or the new one, never half of one.
  const tmp = `.${process.pid}.tmp`;
  writeFileSync(join(CACHE, bundle + tmp), code);
  renameSync(join(CACHE, bundle + tmp), join(CACHE, bundle));
  writeFileSync(MANIFEST + tmp, `${JSON.stringify({ key, bundle, inputs }, null, 2)}\n`);
  renameSync(MANIFEST + tmp, MANIFEST);
  return join(CACHE, bundle);
}

// Node 22.1+ keeps V8's compiled code between runs; Node 20 has no such cache and compiles anew.
module.enableCompileCache?.(join(CACHE, 'v8'));
const key = buildKey();
require(cachedBundle(key) ?? (await rebuild(key)));
