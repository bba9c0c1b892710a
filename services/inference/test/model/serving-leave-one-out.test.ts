import {
  encodeBatch,
  encoderParamsSchema,
  FEATURE_COUNT,
  FEATURE_NAMES,
  type Passenger,
  ticketKey,
} from '@titanic/features';
import { ALERT_PSI, trainingRows } from '@titanic/trainer/test/support/training-data.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/model/load.ts';
import { Predictor } from '../../src/model/predictor.ts';
import { DriftWindow } from '../../src/telemetry/drift-window.ts';
import { Metrics } from '../../src/telemetry/metrics.ts';
import { MODEL_PATH } from '../support.ts';

const rows = trainingRows();
const passengers = rows.map((r) => r.passenger);

const model = await loadModel({ modelPath: MODEL_PATH });
const drift = new DriftWindow({
  size: rows.length,
  features: model.metadata.features,
  histograms: model.metadata.trainingHistograms,
});
const predictor = new Predictor(model, { metrics: new Metrics(), drift, maxRows: 10_000 });
afterAll(() => model.session.release());
const col = (name: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(name);

describe(`serving ${model.metadata.version} means what cross-validation measured`, () => {
  it('encodes every training passenger exactly as the training matrix (bit for bit)', () => {
    const encoder = encoderParamsSchema.parse(model.metadata.encoder);
    const training = encodeBatch(
      passengers,
      encoder,
      Int32Array.from(rows, (_, i) => i),
    );
    const served = predictor.encode(passengers);
    const differing = rows.flatMap((r, i) =>
      Buffer.compare(
        Buffer.from(served.buffer, i * FEATURE_COUNT * 4, FEATURE_COUNT * 4),
        Buffer.from(training.buffer, i * FEATURE_COUNT * 4, FEATURE_COUNT * 4),
      ) === 0
        ? []
        : [r.passengerId],
    );
    expect(differing).toEqual([]);
  });

  it('shows a new passenger of a known travel group every known member', () => {
    const sizes = new Map<string, number>();
    for (const p of passengers) sizes.set(ticketKey(p)!, (sizes.get(ticketKey(p)!) ?? 0) + 1);
    const member = passengers.find((p) => sizes.get(ticketKey(p)!) === 4)!;
    const newcomer: Passenger = { ...member, name: 'Newcomer, Mr. Zed', sex: 'male', age: 30 };
    const [x, own] = [predictor.encode([newcomer]), predictor.encode([member])];
    expect(x[col('group_known_members')]).toBe(4);
    expect(own[col('group_known_members')]).toBe(3);
  });

  it('keeps the drift window of replayed training traffic under the alert threshold on every feature', async () => {
    await predictor.predict(predictor.encode(passengers), passengers.length, 'v1');
    const values = drift.psi();
    expect(values.map((v) => v.feature)).toEqual([...FEATURE_NAMES]);
    expect(values.filter((v) => v.value >= ALERT_PSI)).toEqual([]);
  });
});
