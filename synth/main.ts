/**
 * `npm run synth` renders dist/; `npm run synth -- --check` writes nothing and exits 1 when dist/
 * is stale. Options: --root <dir>, --env <name> (repeatable), --out <dir>. `npm run synth` runs
 * this file through synth/launch.mjs (a cached bundle); `tsx synth/main.ts` runs it directly.
 */
import { parseArgs } from 'node:util';
import { checkDist, writeDist } from './dist.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      root: { type: 'string' },
      env: { type: 'string', multiple: true },
      out: { type: 'string' },
    },
    strict: true,
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
        'dist/ is out of date with environments/ and charts/: run `npm run synth` and commit dist/.',
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
