/** `npm run policy [-- --root <dir>]`: checks dist/ against every rule; exit 1 on a failure. */
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../environments/load.ts';
import { formatResults, loadDist, runPolicies } from './engine.ts';

const { values } = parseArgs({ options: { root: { type: 'string' } }, strict: true });
try {
  const { manifests, ctx } = await loadDist(values.root ?? REPO_ROOT);
  if (manifests.length === 0) {
    console.error('no manifests under dist/: run `npm run synth` first');
    process.exitCode = 1;
  } else {
    const results = runPolicies(manifests, ctx);
    console.log(formatResults(results, manifests.length));
    process.exitCode = results.some((r) => r.severity === 'fail') ? 1 : 0;
  }
} catch (err) {
  console.error(err instanceof Error && err.name === 'EnvironmentError' ? err.message : err);
  process.exitCode = 2;
}
