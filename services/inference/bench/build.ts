import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles the service (as the image does: `npm run build`) and the two baselines into
 * services/inference/build/, so every contender runs on plain node without a TypeScript loader.
 */
export async function buildBundles(): Promise<{ service: string; bare: string; koa: string }> {
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: 'node20',
    packages: 'external' as const,
    alias: { '@titanic/features': `${root}../features/src/index.ts` },
    logLevel: 'warning' as const,
  };
  const out = (name: string) => `${root}build/${name}`;
  await build({ ...common, entryPoints: [`${root}src/main.ts`], outfile: out('main.js') });
  await build({ ...common, entryPoints: [`${root}bench/bare-server.ts`], outfile: out('bench-bare.js') });
  await build({ ...common, entryPoints: [`${root}bench/koa-constant.ts`], outfile: out('bench-koa.js') });
  return { service: out('main.js'), bare: out('bench-bare.js'), koa: out('bench-koa.js') };
}
