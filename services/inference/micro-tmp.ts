import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { encodeBatch } from '@titanic/features';
import { pino } from 'pino';
import { passenger } from './src/http/schemas.ts';
import { loadModel } from './src/model/load.ts';
import { DriftWindow } from './src/telemetry/drift-window.ts';
import { Metrics } from './src/telemetry/metrics.ts';
const text = readFileSync('/tmp/prof/single.json', 'utf8');
const model = await loadModel({ modelPath: '/tmp/inf-models/titanic/2026.11.25-1/model.onnx' });
const m = new Metrics();
const drift = new DriftWindow({ size: 1000, features: model.metadata.features, histograms: model.metadata.trainingHistograms });
const dest = pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 });
const logger = pino({ base: { service: 'x', environment: 'local', modelVersion: 'v', image: 'i' }, timestamp: pino.stdTimeFunctions.isoTime, formatters: { level: (l) => ({ level: l }) } }, dest);
const logger2 = pino({ base: { service: 'x', environment: 'local', modelVersion: 'v', image: 'i' } }, dest);
const v = passenger.parse(JSON.parse(text));
const x = encodeBatch([v], model.metadata.encoder);
const child = m.forModel('v');
const cases: Record<string, () => unknown> = {
  'JSON.parse': () => JSON.parse(text),
  'zod single': () => passenger.parse(JSON.parse(text)),
  'encode single': () => encodeBatch([v], model.metadata.encoder),
  'drift add': () => drift.add(x, 1, () => true),
  'prob histogram': () => child.probability.observe(0.3),
  'observeHttp': () => m.observeHttp('/v1/predict', 'POST', 200, 0.001),
  'randomUUID': () => randomUUID(),
  'pino iso': () => logger.info({ requestId: 'abc', method: 'POST', route: '/v1/predict', status: 200, ms: 1.234, passengers: 1 }, 'request'),
  'pino epoch': () => logger2.info({ requestId: 'abc', method: 'POST', route: '/v1/predict', status: 200, ms: 1.234, passengers: 1 }, 'request'),
  'response json': () => JSON.stringify({ survived: false, probability: 0.1234, model: { name: 'titanic', version: '2026.11.25-1' }, requestId: 'daa37446-2f4c-41f6-8fd7-f9e617409357' }),
};
for (const [k, f] of Object.entries(cases)) {
  for (let i = 0; i < 20000; i++) f();
  const n = 100000; const s = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const u = process.cpuUsage(s);
  console.log(k.padEnd(16), ((u.user + u.system) / n).toFixed(3), 'µs');
}
