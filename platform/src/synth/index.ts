export { buildCharts, type ChartFile } from './app.ts';
export { checkDist, type DistReport, writeDist } from './dist.ts';
export { type RenderedFiles, type SynthOptions, synthEnvironments, toYamlStream } from './render.ts';
