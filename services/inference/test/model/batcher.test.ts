import { FEATURE_COUNT } from '@titanic/features';
import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/model/batcher.ts';
import { loadModel } from '../../src/model/load.ts';
import { Predictor } from '../../src/model/predictor.ts';
import { DriftWindow } from '../../src/telemetry/drift-window.ts';
import { Metrics } from '../../src/telemetry/metrics.ts';
import { MODEL_PATH } from '../support.ts';

const model = await loadModel({ modelPath: MODEL_PATH });
const predictor = new Predictor(model, {
  metrics: new Metrics(),
  drift: new DriftWindow({ size: 10, features: model.metadata.features, histograms: [] }),
  maxRows: 1000,
});

function passenger(i: number) {
  return {
    pclass: 1 + (i % 3),
    sex: i % 2 ? 'male' : 'female',
    age: (i * 7) % 80,
    sibsp: i % 3,
    parch: i % 2,
    fare: 5 + i,
    embarked: 'S',
  } as const;
}

function batcher(maxRows: number, runs: number[]) {
  return new Batcher({
    session: model.session,
    inputNames: [model.metadata.onnx.inputName],
    outputNames: [model.metadata.onnx.outputName],
    featureCount: FEATURE_COUNT,
    maxRows,
    onRun: (rows) => runs.push(rows),
  });
}

describe('Batcher', () => {
  it('starts a lone request at once and coalesces those that arrive meanwhile into the next run, each with its own rows in order', async () => {
    const inputs = Array.from({ length: 40 }, (_, i) => predictor.encode([passenger(i), passenger(i + 100)]));
    const alone: number[][] = [];
    const sequential = batcher(1000, []);
    for (const x of inputs) alone.push(Array.from((await sequential.predict([x], 2))[0]!));

    const runs: number[] = [];
    const b = batcher(1000, runs);
    const together = await Promise.all(inputs.map(async (x) => (await b.predict([x], 2))[0]!));
    // The first request finds the batcher idle; the other 39 arrive while its run is in flight.
    expect(runs).toEqual([2, 78]);
    together.forEach((p, i) => {
      expect(p).toHaveLength(2);
      expect(p[0]).toBeCloseTo(alone[i]![0]!, 6);
      expect(p[1]).toBeCloseTo(alone[i]![1]!, 6);
    });
  });

  it('caps a run at maxRows without splitting a request', async () => {
    const runs: number[] = [];
    const b = batcher(10, runs);
    const small = Array.from({ length: 12 }, (_, i) => b.predict([predictor.encode([passenger(i)])], 1));
    const big = b.predict([predictor.encode(Array.from({ length: 15 }, (_, i) => passenger(i)))], 15);
    const results = await Promise.all([...small, big]);
    expect(results.at(-1)![0]).toHaveLength(15);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(27);
    expect(runs).toContain(15);
    for (const r of runs) if (r !== 15) expect(r).toBeLessThanOrEqual(10);
  });

  it('rejects every request of a run that fails, then keeps serving', async () => {
    const b = batcher(1000, []);
    const wrongWidth = new Float32Array(3);
    await expect(b.predict([wrongWidth], 1)).rejects.toThrow();
    const [p] = await b.predict([predictor.encode([passenger(1)])], 1);
    expect(p![0]).toBeGreaterThan(0);
  });
});
