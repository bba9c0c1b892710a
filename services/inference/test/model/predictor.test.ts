import { join } from 'node:path';
import { DECISION_THRESHOLD, localVersions, MODEL_FILES } from '@titanic/features';
import { trainingRows } from '@titanic/trainer/test/support/training-data.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { type LoadedModel, loadModel, openSession } from '../../src/model/load.ts';
import { pairGraphs } from '../../src/model/paired-graph.ts';
import { Predictor } from '../../src/model/predictor.ts';
import { type PairedSession, Shadow } from '../../src/model/shadow.ts';
import { DEFAULT_MODEL_REGISTRY } from '../../src/paths.ts';
import { DriftWindow } from '../../src/telemetry/drift-window.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { Metrics } from '../../src/telemetry/metrics.ts';

const [servedVersion, shadowVersion] = localVersions(DEFAULT_MODEL_REGISTRY) as [string, string];
const load = (version: string) =>
  loadModel({ modelPath: join(DEFAULT_MODEL_REGISTRY, version, MODEL_FILES.onnx) });
const [served, candidate] = await Promise.all([load(servedVersion), load(shadowVersion)]);
afterAll(async () => {
  await Promise.all([served.session.release(), candidate.session.release()]);
});
const passengers = trainingRows()
  .slice(0, 120)
  .map((r) => r.passenger);
const { logger } = createLogger('silent', {
  environment: 'test',
  modelVersion: servedVersion,
  image: 'test',
});

/** What a Predictor of `model` needs, with metrics of its own. */
function options(model: LoadedModel) {
  const metrics = new Metrics();
  const drift = new DriftWindow({ size: 500, features: model.metadata.features, histograms: [] });
  return { metrics, drift, maxRows: 1000 };
}

/** A predictor serving `served` with `candidate` as its shadow, run as `paired` says. */
function predictor(paired: PairedSession | undefined | 'none') {
  const { metrics, drift, maxRows } = options(served);
  const shadow =
    paired === 'none'
      ? undefined
      : new Shadow(
          candidate,
          { version: servedVersion, model: served, threshold: DECISION_THRESHOLD },
          { metrics, logger, maxRows: 1000, window: 500, paired },
        );
  return { metrics, predictor: new Predictor(served, { metrics, drift, maxRows, shadow }) };
}

async function pairedSession(): Promise<PairedSession> {
  const side = (m: LoadedModel) => ({
    bytes: m.onnx,
    inputName: m.metadata.onnx.inputName,
    outputName: m.metadata.onnx.outputName,
  });
  const pair = pairGraphs(side(served), side(candidate), false);
  if (!pair.ok) throw new Error(pair.reason);
  return {
    session: await openSession(pair.bytes),
    shadowInput: pair.shadowInput,
    shadowOutput: pair.shadowOutput,
  };
}

/** Every passenger predicted alone and all at once, concurrently, as requests arrive. */
async function score(p: Predictor) {
  const one = passengers.map((x) => p.predict(p.encode([x]), 1, 'v1', [x]));
  const all = await p.predict(p.encode(passengers), passengers.length, 'v1', passengers);
  return { one: await Promise.all(one), all };
}

const bytes = (a: Float32Array | undefined) => Array.from(a ?? []);

describe('Predictor with a shadow', () => {
  it('answers bit for bit as without a shadow, and the shadow as it answers alone, paired or in its own session', async () => {
    const plain = await score(predictor('none').predictor);
    const alone = await score(new Predictor(candidate, options(candidate)));
    for (const paired of [await pairedSession(), undefined]) {
      const { predictor: p, metrics } = predictor(paired);
      const scored = await score(p);
      expect(bytes(scored.all.probabilities)).toEqual(bytes(plain.all.probabilities));
      expect(bytes(scored.all.shadow)).toEqual(bytes(alone.all.probabilities));
      scored.one.forEach((s, i) => {
        expect(bytes(s.probabilities)).toEqual(bytes(plain.one[i]!.probabilities));
        expect(bytes(s.shadow)).toEqual(bytes(alone.one[i]!.probabilities));
      });
      p.shadow!.publish();
      const text = await metrics.registry.metrics();
      expect(text).toContain(
        `titanic_shadow_predictions_total{model_version="${servedVersion}",shadow_version="${shadowVersion}"} ${2 * passengers.length}`,
      );
      await paired?.session.release();
    }
  });

  it('serves the served model alone when a paired run fails, counting the shadow error', async () => {
    // A paired graph whose shadow output does not exist fails every run.
    const broken: PairedSession = {
      session: served.session,
      shadowInput: undefined,
      shadowOutput: 'missing',
    };
    const { predictor: p, metrics } = predictor(broken);
    const plain = await score(predictor('none').predictor);
    const scored = await score(p);
    expect(bytes(scored.all.probabilities)).toEqual(bytes(plain.all.probabilities));
    expect(scored.all.shadow).toBeUndefined();
    const text = await metrics.registry.metrics();
    const errors = Number(text.match(/titanic_shadow_errors_total\{shadow_version="[^"]+"\} (\d+)/)?.[1]);
    expect(errors).toBeGreaterThanOrEqual(1);
    expect(errors).toBeLessThanOrEqual(passengers.length + 1);
  });

  it('scores OIP v2 tensors without the shadow when its encoder differs (the passengers are not at hand)', async () => {
    const paired = await pairedSession();
    const { predictor: p } = predictor(paired);
    const scored = await p.predict(p.encode(passengers), passengers.length, 'v2');
    expect(scored.shadow).toBeUndefined();
    expect(scored.probabilities).toHaveLength(passengers.length);
    await paired.session.release();
  });
});
