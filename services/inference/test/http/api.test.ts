import { describe, expect, it } from 'vitest';
import { startInference } from '../../src/start.ts';
import {
  FIRST_CLASS_WOMAN,
  type Json,
  PASSENGER,
  postJson,
  sample,
  serveForTests,
  testEnv,
  UNKNOWN_BOY,
  waitFor,
} from '../support.ts';

const served = serveForTests({ ENVIRONMENT: 'dev', IMAGE_VERSION: 'test-1' });

describe('POST /v1/predict', () => {
  it('answers one passenger with the exact shape and echoes the request id', async () => {
    const r = await postJson(`${served.url}/v1/predict`, PASSENGER, { 'x-request-id': 'abc-123' });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json).sort()).toEqual(['model', 'probability', 'requestId', 'survived']);
    expect(r.json.requestId).toBe('abc-123');
    expect(r.headers.get('x-request-id')).toBe('abc-123');
    expect(r.json.model).toEqual({ name: 'titanic', version: served.server.modelVersion });
    expect(r.json.probability).toBeGreaterThanOrEqual(0);
    expect(r.json.probability).toBeLessThanOrEqual(1);
    expect(r.json.survived).toBe(r.json.probability >= 0.5);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('generates a request id when none (or a malformed one) is sent', async () => {
    const r = await postJson(`${served.url}/v1/predict`, PASSENGER, { 'x-request-id': 'bad id with spaces' });
    expect(r.json.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('x-request-id')).toBe(r.json.requestId);
  });

  it('answers a batch in input order, consistent with single predictions', async () => {
    const passengers = [FIRST_CLASS_WOMAN, PASSENGER, UNKNOWN_BOY];
    const batch = await postJson(`${served.url}/v1/predict`, { passengers });
    expect(batch.status).toBe(200);
    expect(Object.keys(batch.json).sort()).toEqual(['model', 'predictions', 'requestId']);
    expect(batch.json.predictions).toHaveLength(3);
    for (const [i, p] of passengers.entries()) {
      const single = await postJson(`${served.url}/v1/predict`, p);
      expect(batch.json.predictions[i]).toEqual({
        survived: single.json.survived,
        probability: single.json.probability,
      });
    }
    expect(batch.json.predictions[0].probability).toBeGreaterThan(batch.json.predictions[1].probability);
  });

  it('names each bad field with its path', async () => {
    const bad = { passengers: [PASSENGER, PASSENGER, PASSENGER, { ...PASSENGER, pclass: 4 }] };
    const r = await postJson(`${served.url}/v1/predict`, bad);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('invalid_request');
    expect(r.json.error.issues).toEqual([
      { path: 'passengers.3.pclass', message: 'pclass must be 1, 2 or 3' },
    ]);
    const unknown = await postJson(`${served.url}/v1/predict`, { ...PASSENGER, colour: 'blue' });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.issues[0].message).toContain('colour');
    const age = await postJson(`${served.url}/v1/predict`, { ...PASSENGER, age: 150 });
    expect(age.json.error.issues).toEqual([{ path: 'age', message: 'age must be at most 120' }]);
  });

  it('refuses empty and oversized batches, bodies over 1 MB, non-JSON and broken JSON', async () => {
    expect((await postJson(`${served.url}/v1/predict`, { passengers: [] })).status).toBe(400);
    const many = {
      passengers: Array.from({ length: 10_001 }, () => ({ pclass: 1, sex: 'male', sibsp: 0, parch: 0 })),
    };
    const tooMany = await postJson(`${served.url}/v1/predict`, many);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toMatch(/passengers|valid/);
    const big = await postJson(
      `${served.url}/v1/predict`,
      `{"passengers":[],"pad":"${'x'.repeat(1_100_000)}"}`,
    );
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('payload_too_large');
    const text = await fetch(`${served.url}/v1/predict`, {
      method: 'POST',
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(((await text.json()) as Json).error.code).toBe('unsupported_media_type');
    const broken = await postJson(`${served.url}/v1/predict`, '{"pclass":');
    expect(broken.status).toBe(400);
    expect(broken.json.error.message).toMatch(/not valid JSON/);
    const array = await postJson(`${served.url}/v1/predict`, '[1,2]');
    expect(array.status).toBe(400);
  });

  it('answers unknown paths and wrong methods with JSON 404 and 405', async () => {
    const missing = await fetch(`${served.url}/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Json).error.code).toBe('not_found');
    const wrong = await fetch(`${served.url}/v1/predict`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('POST');
    expect(((await wrong.json()) as Json).error.code).toBe('method_not_allowed');
  });
});

describe('operations endpoints', () => {
  it('publishes the contract metrics', async () => {
    const text = await (await fetch(`${served.url}/metrics`)).text();
    for (const name of [
      'http_requests_total',
      'http_request_duration_seconds_bucket',
      'titanic_predictions_total',
      'titanic_prediction_probability_bucket',
      'titanic_request_batch_size_bucket',
      'titanic_inference_batch_size_bucket',
      'titanic_model_info',
      'titanic_prediction_log_queue_depth',
      'titanic_prediction_log_written_total',
      'titanic_prediction_log_dropped_total',
      'titanic_prediction_log_flush_errors_total',
      'titanic_feature_psi',
      'titanic_served_positive_rate',
      'titanic_served_mean_probability',
      'titanic_model_ready',
      'process_resident_memory_bytes',
    ])
      expect(text, name).toContain(`\n${name}`);
    expect(text).toContain('le="0.0005"');
    expect(sample(text, 'titanic_model_ready')).toBe(1);
    expect(text).toMatch(
      new RegExp(
        `titanic_model_info\\{version="${served.server.modelVersion}",sha256="[0-9a-f]{64}",image="test-1"\\} 1`,
      ),
    );
    expect(text).toContain('titanic_feature_psi{feature="sex_female"}');
  });

  it('serves an OpenAPI document generated from the schemas, the reference page and the web page', async () => {
    const doc = (await (await fetch(`${served.url}/openapi.json`)).json()) as Json;
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/predict', '/v2/models/{model}/infer']),
    );
    expect(doc.components.schemas.Passenger.properties.pclass).toBeDefined();
    for (const path of ['/', '/docs', '/app.js', '/docs/swagger-ui-bundle.js']) {
      const r = await fetch(`${served.url}${path}`);
      expect(r.status, path).toBe(200);
      expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
  });

  it('writes one prediction log row per request to PostgreSQL', async () => {
    const r = await postJson(
      `${served.url}/v1/predict`,
      { passengers: [PASSENGER, PASSENGER] },
      { 'x-request-id': 'log-check' },
    );
    expect(r.status).toBe(200);
    await waitFor(
      async () =>
        (await served.db.pool.query("SELECT 1 FROM prediction_log WHERE request_id = 'log-check'"))
          .rowCount === 1,
    );
    const { rows } = await served.db.pool.query(
      "SELECT * FROM prediction_log WHERE request_id = 'log-check'",
    );
    const row = rows[0];
    expect(row).toMatchObject({
      environment: 'dev',
      image_version: 'test-1',
      model_version: served.server.modelVersion,
      api: 'v1',
      passengers: 2,
    });
    expect(row.input).toEqual([PASSENGER, PASSENGER]);
    expect(row.probabilities).toHaveLength(2);
    expect(row.labels).toEqual([r.json.predictions[0].survived, r.json.predictions[1].survived]);
    expect(row.latency_ms).toBeGreaterThan(0);
    const view = await served.db.pool.query(
      "SELECT position, label FROM prediction_log_passenger WHERE request_id = 'log-check' ORDER BY position",
    );
    expect(view.rows.map((v) => v.position)).toEqual([0, 1]);
  });

  it('logs the passengers as the server understood them, even for a body with a repeated key', async () => {
    const text = `{"passengers":[{"x":1}],\n "passengers" : [${JSON.stringify(PASSENGER)}] }`;
    expect((await postJson(`${served.url}/v1/predict`, text, { 'x-request-id': 'dup-key' })).status).toBe(
      200,
    );
    await waitFor(
      async () =>
        (await served.db.pool.query("SELECT 1 FROM prediction_log WHERE request_id = 'dup-key'")).rowCount ===
        1,
    );
    const { rows } = await served.db.pool.query(
      "SELECT input FROM prediction_log WHERE request_id = 'dup-key'",
    );
    expect(rows[0].input).toEqual([PASSENGER]);
  });

  it('refuses a string holding U+0000 (PostgreSQL cannot store it) with the field named, and logs nothing', async () => {
    const bad = await postJson(
      `${served.url}/v1/predict`,
      { passengers: [PASSENGER, { ...PASSENGER, name: 'Nul, Mr. \u0000' }] },
      { 'x-request-id': 'nul' },
    );
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues).toEqual([
      { path: 'passengers.1.name', message: 'remove U+0000 from this string' },
    ]);
    // An escaped backslash before "u0000" is ordinary text.
    const literal = await postJson(
      `${served.url}/v1/predict`,
      { ...PASSENGER, name: 'Backslash, Mr. \\u0000' },
      { 'x-request-id': 'literal-u0000' },
    );
    expect(literal.status).toBe(200);
    await waitFor(
      async () =>
        (
          await served.db.pool.query(
            "SELECT 1 FROM prediction_log_passenger WHERE request_id = 'literal-u0000'",
          )
        ).rowCount === 1,
    );
    expect(
      (await served.db.pool.query("SELECT 1 FROM prediction_log WHERE request_id = 'nul'")).rowCount,
    ).toBe(0);
  });
});

describe('API keys and rate limits', () => {
  it('requires a valid key when keys are configured and limits each client', async () => {
    const key = 'k'.repeat(20);
    const guarded = await startInference(
      testEnv({
        DATABASE_URL: served.db.url,
        API_KEYS: `${key},${'z'.repeat(24)}`,
        RATE_LIMIT_RPS: '1',
        RATE_LIMIT_BURST: '2',
      }),
    );
    try {
      const none = await postJson(`${guarded.url}/v1/predict`, PASSENGER);
      expect(none.status).toBe(401);
      expect(none.json.error.code).toBe('unauthorized');
      const wrong = await postJson(`${guarded.url}/v1/predict`, PASSENGER, {
        authorization: `Bearer ${'x'.repeat(20)}`,
      });
      expect(wrong.status).toBe(401);
      expect(wrong.text).not.toContain('x'.repeat(20));
      const v2 = await postJson(`${guarded.url}/v2/models/titanic/infer`, { inputs: [] });
      expect(v2.status).toBe(401);
      expect(typeof v2.json.error).toBe('string');
      const ok = await postJson(`${guarded.url}/v1/predict`, PASSENGER, { authorization: `Bearer ${key}` });
      expect(ok.status).toBe(200);
      const ok2 = await postJson(`${guarded.url}/v1/predict`, PASSENGER, { 'x-api-key': key });
      expect(ok2.status).toBe(200);
      const limited = await postJson(`${guarded.url}/v1/predict`, PASSENGER, { 'x-api-key': key });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(limited.json.error.code).toBe('rate_limited');
      // Health and metadata stay open.
      expect((await fetch(`${guarded.url}/v2/health/ready`)).status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });
});
