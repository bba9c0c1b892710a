import { join } from 'node:path';
import { encodeBatch, FEATURE_COUNT, localVersions, MODEL_FILES } from '@titanic/features';
import { trainingRows } from '@titanic/trainer/test/support/training-data.ts';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { Batcher } from '../../src/model/batcher.ts';
import { type LoadedModel, loadModel, openSession } from '../../src/model/load.ts';
import { type GraphSide, pairGraphs } from '../../src/model/paired-graph.ts';
import { DEFAULT_MODEL_REGISTRY } from '../../src/paths.ts';

const { onnx } = onnxProto;
// The newest model serves; the one before it (another encoder) and the one before that (the
// same encoder as the one before) are shadows.
const [servedVersion, shadowVersion, sameEncoderVersion] = localVersions(DEFAULT_MODEL_REGISTRY) as [
  string,
  string,
  string,
];
const load = (version: string) =>
  loadModel({ modelPath: join(DEFAULT_MODEL_REGISTRY, version, MODEL_FILES.onnx) });
const [served, shadow, sameEncoder] = await Promise.all([
  load(servedVersion),
  load(shadowVersion),
  load(sameEncoderVersion),
]);
afterAll(async () => {
  await Promise.all([served, shadow, sameEncoder].map((m) => m.session.release()));
});

const side = (m: LoadedModel, bytes = m.onnx): GraphSide => ({
  bytes,
  inputName: m.metadata.onnx.inputName,
  outputName: m.metadata.onnx.outputName,
});
const passengers = trainingRows().map((r) => r.passenger);
const rows = passengers.length;
const encoded = (m: LoadedModel) => encodeBatch(passengers, m.metadata.encoder);

/** Each output of one run over every training passenger, one block of rows per input. */
function run(session: LoadedModel['session'], inputs: [string, Float32Array][], outputs: string[]) {
  const b = new Batcher({
    session,
    inputNames: inputs.map(([name]) => name),
    outputNames: outputs,
    featureCount: FEATURE_COUNT,
    maxRows: rows,
  });
  return b.predict(
    inputs.map(([, x]) => x),
    rows,
  );
}

const bytesOf = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** A model file with one field of its ModelProto changed. */
function edited(bytes: Uint8Array, edit: (m: onnxProto.onnx.ModelProto) => void): Uint8Array {
  const m = onnx.ModelProto.decode(bytes);
  edit(m);
  return onnx.ModelProto.encode(m).finish();
}

describe('the served model and the shadow in one graph', () => {
  // The served model and a shadow with another encoder; the one before and one with the same.
  for (const [what, pick, share] of [
    ['its own input (another encoder)', (): [LoadedModel, LoadedModel] => [served, shadow], false],
    [
      "the served model's input (the same encoder)",
      (): [LoadedModel, LoadedModel] => [shadow, sameEncoder],
      true,
    ],
  ] as const)
    it(`answers each model bit for bit as it answers alone, for every training passenger: the shadow reads ${what}`, async () => {
      const [first, other] = pick();
      expect(JSON.stringify(other.metadata.encoder) === JSON.stringify(first.metadata.encoder)).toBe(share);
      const pair = pairGraphs(side(first), side(other), share);
      if (!pair.ok) throw new Error(pair.reason);
      expect(pair.shadowInput).toBe(share ? undefined : `shadow/${other.metadata.onnx.inputName}`);
      const session = await openSession(pair.bytes);
      try {
        const { inputName, outputName } = first.metadata.onnx;
        const feeds: [string, Float32Array][] = [[inputName, encoded(first)]];
        if (pair.shadowInput) feeds.push([pair.shadowInput, encoded(other)]);
        const [[pServed, pShadow], [alone], [shadowAlone]] = await Promise.all([
          run(session, feeds, [outputName, pair.shadowOutput]),
          run(first.session, [[inputName, encoded(first)]], [outputName]),
          run(
            other.session,
            [[other.metadata.onnx.inputName, encoded(other)]],
            [other.metadata.onnx.outputName],
          ),
        ]);
        expect(bytesOf(pServed!)).toEqual(bytesOf(alone!));
        expect(bytesOf(pShadow!)).toEqual(bytesOf(shadowAlone!));
        // The two models really differ, so a swapped or shared output would be caught above.
        expect(bytesOf(pShadow!)).not.toEqual(bytesOf(pServed!));
      } finally {
        await session.release();
      }
    });

  it('splits each output by request when a batch coalesces several', async () => {
    const pair = pairGraphs(side(served), side(shadow), false);
    if (!pair.ok) throw new Error(pair.reason);
    const session = await openSession(pair.bytes);
    try {
      const b = new Batcher({
        session,
        inputNames: [served.metadata.onnx.inputName, pair.shadowInput!],
        outputNames: [served.metadata.onnx.outputName, pair.shadowOutput],
        featureCount: FEATURE_COUNT,
        maxRows: 1000,
      });
      const x = [encoded(served), encoded(shadow)];
      const [allServed, allShadow] = await b.predict(x, rows);
      const requests = Array.from({ length: 20 }, (_, i) => ({ from: i * 3, rows: 1 + (i % 3) }));
      const slice = (r: (typeof requests)[number]) =>
        x.map((block) => block.subarray(r.from * FEATURE_COUNT, (r.from + r.rows) * FEATURE_COUNT));
      const answers = await Promise.all(requests.map((r) => b.predict(slice(r), r.rows)));
      requests.forEach((r, i) => {
        expect(Array.from(answers[i]![0]!)).toEqual(Array.from(allServed!.subarray(r.from, r.from + r.rows)));
        expect(Array.from(answers[i]![1]!)).toEqual(Array.from(allShadow!.subarray(r.from, r.from + r.rows)));
      });
    } finally {
      await session.release();
    }
  });

  it('keeps the served graph as written and the shadow under its own names', () => {
    const pair = pairGraphs(side(served), side(shadow), false);
    if (!pair.ok) throw new Error(pair.reason);
    const paired = onnx.ModelProto.decode(pair.bytes);
    const alone = onnx.ModelProto.decode(served.onnx);
    const names = (m: onnxProto.onnx.ModelProto) => m.graph!.node!.map((n) => n.name ?? '');
    expect(names(paired).slice(0, alone.graph!.node!.length)).toEqual(names(alone));
    expect(
      names(paired)
        .slice(alone.graph!.node!.length)
        .every((n) => n.startsWith('shadow/')),
    ).toBe(true);
    expect(paired.graph!.input!.map((i) => i.name)).toEqual([
      served.metadata.onnx.inputName,
      pair.shadowInput,
    ]);
    expect(paired.graph!.output!.map((o) => o.name)).toEqual([
      served.metadata.onnx.outputName,
      pair.shadowOutput,
    ]);
  });

  it('refuses what would change a side’s meaning, naming it', () => {
    const otherOpset = edited(shadow.onnx, (m) => {
      for (const o of m.opsetImport) if (!o.domain) o.version = 13;
    });
    expect(pairGraphs(side(served), side(shadow, otherOpset), false)).toEqual({
      ok: false,
      reason: 'operator set ai.onnx differs (17 and 13)',
    });
    const otherIr = edited(shadow.onnx, (m) => {
      m.irVersion = Number(m.irVersion) - 1;
    });
    expect(pairGraphs(side(served), side(shadow, otherIr), false)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^IR versions differ/),
    });
    const secondInput = edited(shadow.onnx, (m) => {
      m.graph!.input!.push(onnx.ValueInfoProto.create({ name: 'cabin' }));
    });
    expect(pairGraphs(side(served), side(shadow, secondInput), false)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('takes inputs [features, cabin], not only features'),
    });
    const subgraph = edited(shadow.onnx, (m) => {
      m.graph!.node![0]!.attribute!.push(
        onnx.AttributeProto.create({ name: 'then_branch', g: onnx.GraphProto.create({ name: 'then' }) }),
      );
    });
    expect(pairGraphs(side(served), side(shadow, subgraph), false)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('holds a subgraph'),
    });
  });
});
