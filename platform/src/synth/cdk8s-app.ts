/**
 * Entry point for the cdk8s CLI (`cdk8s synth`, see cdk8s.yaml): the same charts as `npm run synth`,
 * written by cdk8s itself into its output folder (one file per chart). dist/ stays the committed
 * source of truth; this exists for people who use the cdk8s toolchain directly.
 */
import { App } from 'cdk8s';
import { loadEnvironments } from '../environments/load.ts';
import { buildCharts } from './app.ts';
import { readModelMetadata } from './models.ts';

const root = process.env.TITANIC_ROOT ?? process.cwd();
const envs = await loadEnvironments({ root });
const inputs = await Promise.all(
  envs.map(async (env) => ({ env, model: await readModelMetadata(root, env) })),
);
const app = new App();
buildCharts(app, inputs);
app.synth();
