/**
 * `npm run synth` renders dist/; `npm run synth -- --check` writes nothing and exits 1 when dist/
 * is stale. Options: --root <dir>, --env <name> (repeatable), --out <dir>. `npm run synth` runs
 * this file through launch.mjs (a cached bundle); `tsx platform/src/synth/main.ts` runs it directly.
 */
import { commandLine } from '@titanic/features/cli';
import { checkDist, writeDist } from './dist.ts';

const USAGE = `usage: npm run synth [-- --check] [--root DIR] [--env NAME ...] [--out DIR]

  --check  render in memory and compare with dist/; exit 1 listing stale, missing and extra files
  --root   the checkout whose environments/ and models/ are rendered (default this one)
  --env    render only this environment (repeatable; default dev, staging and prod)
  --out    write here instead of <root>/dist`;

async function main(): Promise<number> {
  const { values } = commandLine({
    program: 'synth',
    usage: USAGE,
    config: {
      options: {
        check: { type: 'boolean', default: false },
        root: { type: 'string' },
        env: { type: 'string', multiple: true },
        out: { type: 'string' },
      },
    },
  });
  const options = { root: values.root, envs: values.env, outDir: values.out };
  const started = performance.now();
  if (values.check) {
    const r = await checkDist(options);
    for (const f of r.stale) console.error(`stale:   ${f}`);
    for (const f of r.missing) console.error(`missing: ${f}`);
    for (const f of r.extra) console.error(`extra:   ${f} (no longer rendered)`);
    if (!r.ok) {
      console.error(
        'dist/ is out of date with environments/ and platform/src/charts/: run `npm run synth` and commit dist/.',
      );
      return 1;
    }
    const ms = Math.round(performance.now() - started);
    console.log(`dist/ is up to date (${r.unchanged.length} files, rendered and compared in ${ms} ms).`);
    return 0;
  }
  const r = await writeDist(options);
  for (const f of [...r.missing, ...r.stale]) console.log(`wrote    ${f}`);
  for (const f of r.extra) console.log(`removed  ${f}`);
  const ms = Math.round(performance.now() - started);
  console.log(`${Object.keys(r.files).length} files rendered, ${r.unchanged.length} unchanged, in ${ms} ms.`);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Configuration errors already name file, key and fix; anything else is a bug worth a stack.
    if (err instanceof Error && err.name === 'EnvironmentError') console.error(err.message);
    else console.error(err);
    process.exitCode = 2;
  },
);
