import { commandLine } from '@titanic/features/cli';
import { REPO_ROOT } from '../environments/load.ts';
import { formatResults, loadDist, runPolicies } from './engine.ts';

const USAGE = `usage: npm run policy [-- --root DIR]

Checks the rendered dist/ of the checkout at DIR (default this one) against every rule.
Exit 0 when nothing fails (warnings allowed), 1 on a failure, 2 on a bad environment file.`;

const { values } = commandLine({
  program: 'policy',
  usage: USAGE,
  config: { options: { root: { type: 'string' } } },
});
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
