import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningInference, startInference } from '../../src/start.ts';
import { PASSENGER, postJson, sample, serveForTests, testEnv, waitFor } from '../support.ts';

const served = serveForTests({ API_KEYS: 'feedback-key-0123456789' });
const auth = { authorization: 'Bearer feedback-key-0123456789' };

const predict = (body: unknown, id: string) =>
  postJson(`${served.url}/v1/predict`, body, { ...auth, 'x-request-id': id });
const label = (body: unknown) => postJson(`${served.url}/v1/feedback`, body, auth);

describe('POST /v1/feedback on PostgreSQL', () => {
  it('is authenticated like predictions', async () => {
    const r = await postJson(`${served.url}/v1/feedback`, { requestId: 'x', survived: true });
    expect(r.status).toBe(401);
  });

  it('stores a label joined to its prediction, and a repeat changes nothing', async () => {
    const p = await predict(PASSENGER, 'fb-single');
    expect(p.status).toBe(200);
    const first = await label({ requestId: 'fb-single', survived: false });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ recorded: 1, unchanged: 0 });
    const again = await label({ requestId: 'fb-single', index: 0, survived: false });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ recorded: 0, unchanged: 1 });
    let rows: { survived: boolean; probability: number; model_version: string }[] = [];
    await waitFor(async () => {
      rows = (
        await served.db.pool.query(
          "SELECT survived, probability, model_version FROM prediction_feedback_joined WHERE request_id = 'fb-single'",
        )
      ).rows;
      return rows.length > 0;
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.survived).toBe(false);
    expect(rows[0]!.model_version).toBe(served.server.modelVersion);
    expect(rows[0]!.probability).toBeCloseTo(p.json.probability, 4);
  });

  it('answers 409 for a different second label and keeps the first', async () => {
    await predict(PASSENGER, 'fb-conflict');
    expect((await label({ requestId: 'fb-conflict', survived: true })).status).toBe(200);
    const r = await label({ requestId: 'fb-conflict', survived: false });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('conflicting_label');
    expect(r.json.error.issues[0].path).toBe('survived');
  });

  it('answers 404 for an unknown request id', async () => {
    const r = await label({ requestId: 'never-predicted', survived: true });
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('unknown_request');
    expect(r.json.error.issues[0].path).toBe('requestId');
  });

  it('answers 400 naming the field', async () => {
    await predict({ passengers: [PASSENGER, PASSENGER] }, 'fb-pair');
    const cases: [unknown, string][] = [
      [{ requestId: 'fb-pair', index: 0, survived: 'yes' }, 'survived'],
      [{ requestId: 'fb-pair', index: -1, survived: true }, 'index'],
      [{ requestId: 'bad id', survived: true }, 'requestId'],
      [{ requestId: 'fb-pair', survived: true }, 'index'],
      [{ requestId: 'fb-pair', index: 2, survived: true }, 'index'],
      [
        {
          feedback: [
            { requestId: 'fb-pair', index: 0, survived: true },
            { requestId: 'fb-pair', index: 1.5, survived: true },
          ],
        },
        'feedback.1.index',
      ],
      [{ requestId: 'fb-pair', index: 0, survived: true, extra: 1 }, ''],
    ];
    for (const [body, path] of cases) {
      const r = await label(body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.error.issues[0].path).toBe(path);
    }
  });

  it('takes a batch whole or not at all', async () => {
    await predict({ passengers: [PASSENGER, PASSENGER, PASSENGER] }, 'fb-batch');
    const refused = await label({
      feedback: [
        { requestId: 'fb-batch', index: 0, survived: true },
        { requestId: 'fb-batch', index: 0, survived: false },
      ],
    });
    expect(refused.status).toBe(409);
    expect(refused.json.error.issues[0].path).toBe('feedback.1.survived');
    const ok = await label({
      feedback: [0, 1, 2].map((index) => ({ requestId: 'fb-batch', index, survived: index === 1 })),
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ recorded: 3, unchanged: 0 });
  });

  it('scores the served model live and counts labels written', async () => {
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    const v = `model_version="${served.server.modelVersion}"`;
    expect(sample(metrics, 'titanic_live_labels', v)).toBe(5);
    const brier = sample(metrics, 'titanic_live_brier', v);
    expect(brier).toBeGreaterThan(0);
    expect(brier).toBeLessThan(1);
    expect(sample(metrics, 'titanic_model_card_brier', v)).toBeGreaterThan(0);
    await waitFor(async () => {
      const m = await (await fetch(`${served.url}/metrics`)).text();
      return sample(m, 'titanic_feedback_written_total') === sample(m, 'titanic_feedback_received_total');
    });
  });
});

describe('the feedback route in /openapi.json', () => {
  it('documents the body, both examples and every answer; OIP v2 paths stay as they are', async () => {
    const doc = await (await fetch(`${served.url}/openapi.json`)).json();
    const post = doc.paths['/v1/feedback'].post;
    const body = post.requestBody.content['application/json'];
    expect(Object.keys(body.examples).sort()).toEqual(['batch', 'single']);
    expect(Object.keys(post.responses).sort()).toEqual(
      ['200', '400', '401', '404', '409', '413', '415', '429', '503'].sort(),
    );
    expect(doc.components.schemas.Feedback.required.sort()).toEqual(['requestId', 'survived']);
    expect(
      Object.keys(doc.paths)
        .filter((p: string) => p.startsWith('/v2'))
        .sort(),
    ).toEqual([
      '/v2',
      '/v2/health/live',
      '/v2/health/ready',
      '/v2/models/{model}',
      '/v2/models/{model}/infer',
      '/v2/models/{model}/ready',
    ]);
  });
});

describe('POST /v1/feedback after a restart', () => {
  it('finds the prediction in the log and its earlier labels in the database', async () => {
    await predict({ passengers: [PASSENGER, PASSENGER] }, 'fb-restart');
    expect((await label({ requestId: 'fb-restart', index: 0, survived: true })).status).toBe(200);
    await waitFor(async () => {
      const { rows } = await served.db.pool.query(
        "SELECT 1 FROM prediction_feedback WHERE request_id = 'fb-restart'",
      );
      return rows.length === 1;
    });
    const fresh = await startInference(
      testEnv({ DATABASE_URL: served.db.url, API_KEYS: 'feedback-key-0123456789' }),
    );
    try {
      await fresh.databaseReady;
      const send = (body: unknown) => postJson(`${fresh.url}/v1/feedback`, body, auth);
      expect((await send({ requestId: 'fb-restart', index: 0, survived: false })).status).toBe(409);
      expect((await send({ requestId: 'fb-restart', index: 0, survived: true })).json).toEqual({
        recorded: 0,
        unchanged: 1,
      });
      expect((await send({ requestId: 'fb-restart', index: 1, survived: false })).json).toEqual({
        recorded: 1,
        unchanged: 0,
      });
    } finally {
      await fresh.stop();
    }
  });
});

describe('POST /v1/feedback on the embedded database', () => {
  let dir: string;
  let server: RunningInference;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'feedback-embedded-'));
    server = await startInference(testEnv({ DATA_DIR: dir }));
    await server.databaseReady;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores labels and keeps them idempotent', async () => {
    const p = await postJson(`${server.url}/v1/predict`, { passengers: [PASSENGER, PASSENGER] });
    const id = p.json.requestId as string;
    const r = await postJson(`${server.url}/v1/feedback`, {
      feedback: [
        { requestId: id, index: 0, survived: true },
        { requestId: id, index: 1, survived: false },
        { requestId: id, index: 1, survived: false },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ recorded: 2, unchanged: 1 });
    expect(
      (await postJson(`${server.url}/v1/feedback`, { requestId: id, index: 1, survived: true })).status,
    ).toBe(409);
    await waitFor(async () => {
      const m = await (await fetch(`${server.url}/metrics`)).text();
      return sample(m, 'titanic_feedback_written_total') === 2;
    });
  });
});

describe.each([
  ['PostgreSQL', () => ({ DATABASE_URL: served.db.url })],
  ['the embedded database', () => ({ DATA_DIR: mkdtempSync(join(tmpdir(), 'feedback-lookup-')) })],
])('POST /v1/feedback for requests memory no longer holds, on %s', (_, database) => {
  let server: RunningInference;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    env = database();
    // Memory for one passenger: every earlier request is looked up in the prediction log.
    server = await startInference(testEnv({ ...env, FEEDBACK_MEMORY_PASSENGERS: '1' }));
    await server.databaseReady;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    if (env?.DATA_DIR) rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  it('finds several in one batch, refuses an unknown one by its path, and keeps them idempotent', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await postJson(`${server.url}/v1/predict`, { passengers: [PASSENGER, PASSENGER] });
      ids.push(r.json.requestId as string);
    }
    await waitFor(async () => {
      const m = await (await fetch(`${server.url}/metrics`)).text();
      return sample(m, 'titanic_prediction_log_written_total') === 4;
    });
    const feedback = ids.flatMap((requestId, i) => [
      { requestId, index: 0, survived: i % 2 === 0 },
      { requestId, index: 1, survived: true },
    ]);
    const send = (body: unknown) => postJson(`${server.url}/v1/feedback`, body);
    const unknown = await send({ feedback: [...feedback, { requestId: 'nobody-asked', survived: true }] });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.issues).toEqual([
      { path: 'feedback.8.requestId', message: 'no prediction with request id nobody-asked' },
    ]);
    expect((await send({ feedback })).json).toEqual({ recorded: 8, unchanged: 0 });
    expect((await send({ feedback })).json).toEqual({ recorded: 0, unchanged: 8 });
    const conflict = await send({ requestId: ids[1], index: 0, survived: true });
    expect(conflict.status).toBe(409);
    // Each label counted once, written once: written + dropped = received.
    await waitFor(async () => {
      const m = await (await fetch(`${server.url}/metrics`)).text();
      return sample(m, 'titanic_feedback_written_total') === 8;
    });
    const m = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(m, 'titanic_feedback_received_total')).toBe(8);
  });
});
