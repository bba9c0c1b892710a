import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PASSENGER, postJson, serveForTests } from '../support.ts';

const served = serveForTests();

const FIELDS = Object.keys(PASSENGER).concat(['name', 'cabin', 'ticket']);

/** A passenger with some fields replaced by arbitrary JSON, removed, or extra keys added. */
const mutatedPassenger = fc
  .record({
    replace: fc.dictionary(fc.constantFrom(...FIELDS), fc.jsonValue(), { maxKeys: 3 }),
    remove: fc.subarray(FIELDS, { maxLength: 2 }),
    extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 1 }),
  })
  .map(({ replace, remove, extra }) => {
    const p: Record<string, unknown> = { ...PASSENGER, ...extra, ...replace };
    for (const k of remove) delete p[k];
    return p;
  });

const v1Body = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.json({ maxDepth: 3 }),
  mutatedPassenger.map((p) => JSON.stringify(p)),
  fc.array(mutatedPassenger, { maxLength: 5 }).map((passengers) => JSON.stringify({ passengers })),
  fc.jsonValue().map((passengers) => JSON.stringify({ passengers })),
);

const v2Body = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.json({ maxDepth: 4 }),
  fc
    .record({
      name: fc.oneof(fc.constant('features'), fc.string({ maxLength: 10 })),
      shape: fc.oneof(fc.array(fc.integer({ min: -2, max: 50 }), { maxLength: 3 }), fc.jsonValue()),
      datatype: fc.oneof(fc.constant('FP32'), fc.jsonValue()),
      data: fc.oneof(fc.array(fc.oneof(fc.double(), fc.jsonValue()), { maxLength: 60 }), fc.jsonValue()),
    })
    .map((input) => JSON.stringify({ inputs: [input] })),
);

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', '', 'application/json; charset=utf-8'),
);

async function check(path: string, body: string, type: string, v2: boolean) {
  const r = await fetch(`${served.server.url}${path}`, {
    method: 'POST',
    headers: type ? { 'content-type': type } : {},
    body,
  });
  const text = await r.text();
  expect(
    r.status === 200 || (r.status >= 400 && r.status < 500),
    `${r.status} for ${body.slice(0, 200)}`,
  ).toBe(true);
  if (r.status !== 200) {
    const json = JSON.parse(text);
    if (v2) expect(typeof json.error).toBe('string');
    else expect(json.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(text).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
  }
}

describe('malformed bodies (property-based)', () => {
  it('answers every body on /v1/predict with 200 or a 4xx JSON error', async () => {
    await fc.assert(
      fc.asyncProperty(v1Body, contentType, (body, type) => check('/v1/predict', body, type, false)),
      { numRuns: 1000, seed: 20261125 },
    );
  });

  it('answers every body on /v2/models/titanic/infer with 200 or a 4xx {"error"}', async () => {
    await fc.assert(
      fc.asyncProperty(v2Body, contentType, (body, type) =>
        check('/v2/models/titanic/infer', body, type, true),
      ),
      { numRuns: 1000, seed: 20261125 },
    );
  });

  it('is still up and serving afterwards', async () => {
    expect((await fetch(`${served.server.url}/v2/health/live`)).status).toBe(200);
    expect((await postJson(`${served.server.url}/v1/predict`, PASSENGER)).status).toBe(200);
  });
});
