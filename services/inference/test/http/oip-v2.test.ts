import { FEATURE_COUNT } from '@titanic/features';
import { describe, expect, it } from 'vitest';
import { type Json, PASSENGER, postJson, serveForTests } from '../support.ts';

const served = serveForTests({ ENVIRONMENT: 'dev', IMAGE_VERSION: 'test-1' });

describe('Open Inference Protocol v2', () => {
  it('serves server and model metadata, health and readiness', async () => {
    const server2 = (await (await fetch(`${served.url}/v2`)).json()) as Json;
    expect(server2.name).toBe('titanic-inference');
    expect(((await (await fetch(`${served.url}/v2/health/live`)).json()) as Json).live).toBe(true);
    const ready = await fetch(`${served.url}/v2/health/ready`);
    expect(ready.status).toBe(200);
    const meta = (await (await fetch(`${served.url}/v2/models/titanic`)).json()) as Json;
    expect(meta.versions).toEqual([served.server.modelVersion]);
    expect(meta.inputs).toEqual([{ name: 'features', datatype: 'FP32', shape: [-1, FEATURE_COUNT] }]);
    expect(meta.outputs[0]).toMatchObject({ name: 'probability', datatype: 'FP32' });
    expect(((await (await fetch(`${served.url}/v2/models/titanic/ready`)).json()) as Json).ready).toBe(true);
    const unknown = await fetch(`${served.url}/v2/models/other`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'unknown model other' });
  });

  it('infers FP32 [N, F] tensors, flat or nested, matching the friendly API', async () => {
    const one = await postJson(`${served.url}/v1/predict`, PASSENGER);
    const { encodeBatch } = await import('@titanic/features');
    const { readFileSync } = await import('node:fs');
    const { join, dirname } = await import('node:path');
    const metadata = JSON.parse(
      readFileSync(join(dirname(served.server.config.modelPath ?? ''), 'model.json'), 'utf8'),
    );
    const row = Array.from(encodeBatch([PASSENGER as never], metadata.encoder));
    const flat = await postJson(`${served.url}/v2/models/titanic/infer`, {
      id: 'r1',
      inputs: [{ name: 'features', shape: [2, FEATURE_COUNT], datatype: 'FP32', data: [...row, ...row] }],
    });
    expect(flat.status).toBe(200);
    expect(flat.json).toMatchObject({
      model_name: 'titanic',
      model_version: served.server.modelVersion,
      id: 'r1',
    });
    expect(flat.json.outputs[0]).toMatchObject({ name: 'probability', datatype: 'FP32', shape: [2] });
    expect(flat.json.outputs[0].data[0]).toBeCloseTo(one.json.probability, 3);
    const nested = await postJson(`${served.url}/v2/models/titanic/infer`, {
      inputs: [{ name: 'features', shape: [1, FEATURE_COUNT], datatype: 'FP32', data: [row] }],
    });
    expect(nested.json.outputs[0].data[0]).toBe(flat.json.outputs[0].data[0]);
  });

  it('answers protocol errors as {"error": "..."} with 400', async () => {
    const cases: unknown[] = [
      { inputs: [] },
      { inputs: [{ name: 'x', shape: [1, FEATURE_COUNT], datatype: 'FP32', data: [] }] },
      { inputs: [{ name: 'features', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] },
      { inputs: [{ name: 'features', shape: [1, FEATURE_COUNT], datatype: 'INT64', data: [] }] },
      { inputs: [{ name: 'features', shape: [2, FEATURE_COUNT], datatype: 'FP32', data: [1] }] },
      { inputs: [{ name: 'features', shape: [1, FEATURE_COUNT], datatype: 'FP32', data: ['a'] }] },
    ];
    for (const body of cases) {
      const r = await postJson(`${served.url}/v2/models/titanic/infer`, body);
      expect(r.status).toBe(400);
      expect(Object.keys(r.json)).toEqual(['error']);
      expect(typeof r.json.error).toBe('string');
    }
  });
});
