import { join } from 'node:path';
import { localVersions, MODEL_FILES } from '@titanic/features';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_REGISTRY } from '../../src/paths.ts';
import { type RunningInference, startInference } from '../../src/start.ts';
import {
  createSchema,
  FIRST_CLASS_WOMAN,
  PASSENGER,
  postJson,
  sample,
  type TestSchema,
  testEnv,
  UNKNOWN_BOY,
  waitFor,
} from '../support.ts';

const versions = localVersions(DEFAULT_MODEL_REGISTRY);
const modelPath = (version: string) => join(DEFAULT_MODEL_REGISTRY, version, MODEL_FILES.onnx);
// The newest model serves; the one before it is the candidate in the shadow.
const [PRIMARY, SHADOW, OLDER] = versions as [string, string, string];

const PASSENGERS = [
  PASSENGER,
  FIRST_CLASS_WOMAN,
  UNKNOWN_BOY,
  { pclass: 3, sex: 'female', age: 4, sibsp: 1, parch: 1, fare: 16.7, embarked: 'S', cabin: 'G6' },
];

let db: TestSchema;
let plain: RunningInference;
let shadowed: RunningInference;
let alone: RunningInference;
beforeAll(async () => {
  db = await createSchema();
  const primary = modelPath(PRIMARY);
  [plain, shadowed, alone] = await Promise.all([
    startInference(testEnv({ MODEL_PATH: primary, DATA_DIR: undefined, DATABASE_URL: db.url })),
    startInference(
      testEnv({ MODEL_PATH: primary, SHADOW_MODEL_PATH: modelPath(SHADOW), DATABASE_URL: db.url }),
    ),
    startInference(testEnv({ MODEL_PATH: modelPath(SHADOW), DATABASE_URL: db.url })),
  ]);
  await Promise.all([plain.databaseReady, shadowed.databaseReady, alone.databaseReady]);
}, 60_000);
afterAll(async () => {
  await Promise.all([plain?.stop(), shadowed?.stop(), alone?.stop()]);
  await db?.drop();
});

/** The same request to a server, as the exact answer text. */
async function answer(server: RunningInference, path: string, body: unknown, id: string): Promise<string> {
  const r = await postJson(`${server.url}${path}`, body, { 'x-request-id': id });
  expect(r.status, r.text).toBe(200);
  return r.text;
}

describe('a shadow model', () => {
  it('leaves every answer bit-identical to serving without a shadow', async () => {
    const bodies: [string, unknown][] = [
      ...PASSENGERS.map((p): [string, unknown] => ['/v1/predict', p]),
      ['/v1/predict', { passengers: PASSENGERS }],
      ['/v1/predict', { passengers: Array.from({ length: 300 }, (_, i) => ({ ...PASSENGER, age: i % 80 })) }],
      [
        '/v2/models/titanic/infer',
        {
          inputs: [
            {
              name: 'features',
              datatype: 'FP32',
              shape: [2, 39],
              data: Array.from({ length: 78 }, (_, i) => (i % 7) / 3),
            },
          ],
        },
      ],
    ];
    for (const [i, [path, body]] of bodies.entries()) {
      const id = `bit-${i}`;
      // Sequential and concurrent: a shadow changes neither the answer nor the batching outcome.
      const [a, b] = await Promise.all([answer(plain, path, body, id), answer(shadowed, path, body, id)]);
      expect(b).toBe(a);
    }
  });

  it('logs the shadow probabilities beside the served ones, equal to what the shadow serves alone', async () => {
    const served = JSON.parse(await answer(shadowed, '/v1/predict', { passengers: PASSENGERS }, 'log-both'));
    const itself = JSON.parse(await answer(alone, '/v1/predict', { passengers: PASSENGERS }, 'log-alone'));
    let row:
      | {
          model_version: string;
          shadow_model_version: string;
          probabilities: number[];
          shadow_probabilities: number[];
        }
      | undefined;
    await waitFor(async () => {
      row = (
        await db.pool.query(
          "SELECT model_version, shadow_model_version, probabilities, shadow_probabilities FROM prediction_log WHERE request_id = 'log-both'",
        )
      ).rows[0];
      return row !== undefined;
    });
    expect(row!.model_version).toBe(PRIMARY);
    expect(row!.shadow_model_version).toBe(SHADOW);
    expect(row!.shadow_probabilities).toHaveLength(PASSENGERS.length);
    for (const [i, p] of served.predictions.entries()) {
      expect(row!.probabilities[i]).toBeCloseTo(p.probability, 4);
      expect(row!.shadow_probabilities[i]).toBeCloseTo(itself.predictions[i].probability, 4);
    }
    // A server without a shadow leaves the columns empty.
    await answer(plain, '/v1/predict', PASSENGER, 'log-plain');
    await waitFor(async () => {
      const { rows } = await db.pool.query(
        "SELECT shadow_model_version, shadow_probabilities FROM prediction_log WHERE request_id = 'log-plain'",
      );
      return (
        rows.length === 1 && rows[0].shadow_model_version === null && rows[0].shadow_probabilities === null
      );
    });
  });

  it('exports agreement, |Δp|, both means and PSI per (served, shadow) pair', async () => {
    const text = await (await fetch(`${shadowed.url}/metrics`)).text();
    const pair = `model_version="${PRIMARY}",shadow_version="${SHADOW}"`;
    const n = sample(text, 'titanic_shadow_predictions_total', pair);
    // Every v1 passenger so far (the v2 rows too when the encoders agree).
    expect(n).toBeGreaterThanOrEqual(PASSENGERS.length * 3 + 300);
    const agree = sample(text, 'titanic_shadow_agreements_total', pair);
    expect(agree).toBeGreaterThan(0);
    expect(agree).toBeLessThanOrEqual(n);
    expect(sample(text, 'titanic_shadow_abs_diff_sum', pair)).toBeGreaterThan(0);
    const meanPrimary = sample(text, 'titanic_shadow_probability_sum', `${pair},role="primary"`) / n;
    const meanShadow = sample(text, 'titanic_shadow_probability_sum', `${pair},role="shadow"`) / n;
    for (const m of [meanPrimary, meanShadow]) expect(m).toBeGreaterThan(0.05);
    expect(meanShadow).not.toBe(meanPrimary);
    expect(text).toMatch(new RegExp(`titanic_shadow_psi\\{${pair}\\} \\d`));
    expect(sample(text, 'titanic_shadow_ready')).toBe(1);
    expect(sample(text, 'titanic_shadow_errors_total', `shadow_version="${SHADOW}"`)).toBe(0);
    // Another encoder, yet one onnxruntime run scores both: the shadow takes its own input.
    expect(text).toMatch(
      new RegExp(`titanic_shadow_info\\{version="${SHADOW}",sha256="[0-9a-f]{64}",run="paired"\\} 1`),
    );
  });

  it('scores the shadow against ground truth too', async () => {
    const r = await postJson(`${shadowed.url}/v1/predict`, { passengers: PASSENGERS });
    const feedback = PASSENGERS.map((_, index) => ({
      requestId: r.json.requestId,
      index,
      survived: index % 2 === 1,
    }));
    expect((await postJson(`${shadowed.url}/v1/feedback`, { feedback })).status).toBe(200);
    // /metrics is rendered at most once a second.
    let text = '';
    await waitFor(async () => {
      text = await (await fetch(`${shadowed.url}/metrics`)).text();
      return sample(text, 'titanic_live_labels', `model_version="${SHADOW}"`) > 0;
    });
    for (const v of [PRIMARY, SHADOW]) {
      expect(sample(text, 'titanic_live_labels', `model_version="${v}"`)).toBe(PASSENGERS.length);
      expect(sample(text, 'titanic_model_card_brier', `model_version="${v}"`)).toBeGreaterThan(0);
    }
    expect(sample(text, 'titanic_live_brier', `model_version="${SHADOW}"`)).not.toBe(
      sample(text, 'titanic_live_brier', `model_version="${PRIMARY}"`),
    );
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM prediction_feedback');
    expect(rows[0].n).toBeLessThanOrEqual(PASSENGERS.length);
  });

  it('shares the encoded rows when the encoders agree, so OIP v2 requests are shadowed too', async () => {
    const same = await startInference(
      testEnv({ MODEL_PATH: modelPath(SHADOW), SHADOW_MODEL_PATH: modelPath(OLDER), DATABASE_URL: db.url }),
    );
    try {
      const body = {
        inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 39], data: Array(39).fill(0.5) }],
      };
      expect((await postJson(`${same.url}/v2/models/titanic/infer`, body)).status).toBe(200);
      const text = await (await fetch(`${same.url}/metrics`)).text();
      expect(
        sample(
          text,
          'titanic_shadow_predictions_total',
          `model_version="${SHADOW}",shadow_version="${OLDER}"`,
        ),
      ).toBe(1);
      expect(text).toMatch(
        new RegExp(`titanic_shadow_info\\{version="${OLDER}",sha256="[0-9a-f]{64}",run="paired"\\} 1`),
      );
    } finally {
      await same.stop();
    }
  });
});

describe('a shadow that cannot be loaded', () => {
  it('never stops the served model: counted, not ready, predictions answered', async () => {
    for (const env of [
      { SHADOW_MODEL_PATH: '/nonexistent/model.onnx' },
      { SHADOW_MODEL_PATH: modelPath(SHADOW), SHADOW_MODEL_SHA256: '0'.repeat(64) },
    ]) {
      const server = await startInference(
        testEnv({ MODEL_PATH: modelPath(PRIMARY), DATABASE_URL: db.url, ...env }),
      );
      try {
        expect((await postJson(`${server.url}/v1/predict`, PASSENGER)).status).toBe(200);
        const text = await (await fetch(`${server.url}/metrics`)).text();
        expect(sample(text, 'titanic_shadow_load_failures_total')).toBe(1);
        expect(sample(text, 'titanic_shadow_configured')).toBe(1);
        expect(sample(text, 'titanic_shadow_ready')).toBe(0);
        expect(text).not.toContain('titanic_shadow_predictions_total{');
      } finally {
        await server.stop();
      }
    }
  });
});
