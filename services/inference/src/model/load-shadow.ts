import { encodeBatch, FEATURE_COUNT } from '@titanic/features';
import type { Config } from '../config.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import { Batcher } from './batcher.ts';
import { type LoadedModel, loadModel, openSession } from './load.ts';
import { pairGraphs } from './paired-graph.ts';
import { SELF_TEST } from './predictor.ts';
import { encodersAgree, type PairedSession, Shadow } from './shadow.ts';

/**
 * The configured shadow model, loaded and self-tested, or undefined. A shadow that cannot be
 * loaded never stops the served model: the failure is logged, counted
 * (titanic_shadow_load_failures_total) and visible as titanic_shadow_ready 0.
 */
export async function loadShadow(
  config: Config,
  primary: { version: string; model: LoadedModel; threshold: number },
  deps: { metrics: Metrics; logger: Logger },
): Promise<Shadow | undefined> {
  const path = config.shadowModelPath;
  if (!path) return undefined;
  const { metrics, logger } = deps;
  metrics.shadowConfigured.set(1);
  try {
    const model = await loadModel({ modelPath: path, expectedSha256: config.shadowModelSha256 });
    if (model.metadata.version === primary.version)
      throw new Error(`the shadow is the served model ${primary.version}; pin another version as the shadow`);
    const paired = await pairedSession(primary.model, model, logger);
    const shadow = new Shadow(model, primary, {
      metrics,
      logger,
      maxRows: config.batchMaxRows,
      window: config.psiWindow,
      paired,
    });
    await shadow.selfTest();
    metrics.shadowInfo.set(
      { version: shadow.version, sha256: model.sha256, run: paired ? 'paired' : 'session' },
      1,
    );
    metrics.shadowReady.set(1);
    logger.info(
      {
        shadowPath: path,
        shadow: shadow.version,
        sameEncoder: shadow.sameEncoder,
        paired: paired !== undefined,
      },
      'shadow model loaded',
    );
    return shadow;
  } catch (err) {
    metrics.shadowLoadFailures.inc();
    logger.error(
      { shadowPath: path, err: (err as Error).message },
      'the shadow model cannot be loaded; serving the primary model without a shadow. Fix: check SHADOW_MODEL_PATH and SHADOW_MODEL_SHA256',
    );
    return undefined;
  }
}

/**
 * The served model and the shadow in one session, or undefined (logged) when their graphs cannot
 * be paired or the pair does not answer the self-test passengers bit for bit as each model does
 * alone; the shadow then runs in its own session.
 */
async function pairedSession(
  served: LoadedModel,
  shadow: LoadedModel,
  logger: Logger,
): Promise<PairedSession | undefined> {
  const side = (m: LoadedModel) => ({
    bytes: m.onnx,
    inputName: m.metadata.onnx.inputName,
    outputName: m.metadata.onnx.outputName,
  });
  const graph = pairGraphs(side(served), side(shadow), encodersAgree(served, shadow));
  let reason: string;
  if (graph.ok) {
    try {
      const session = await openSession(graph.bytes);
      const { inputName, outputName } = served.metadata.onnx;
      const rows = encodeBatch(SELF_TEST, served.metadata.encoder);
      const shadowRows = encodeBatch(SELF_TEST, shadow.metadata.encoder);
      const pairInputs: [string, Float32Array][] = [[inputName, rows]];
      if (graph.shadowInput) pairInputs.push([graph.shadowInput, shadowRows]);
      const [pair, alone, shadowAlone] = await Promise.all([
        answers(session, pairInputs, [outputName, graph.shadowOutput]),
        answers(served.session, [[inputName, rows]], [outputName]),
        answers(
          shadow.session,
          [[shadow.metadata.onnx.inputName, shadowRows]],
          [shadow.metadata.onnx.outputName],
        ),
      ]);
      if (identical(pair[0]!, alone[0]!) && identical(pair[1]!, shadowAlone[0]!))
        return { session, shadowInput: graph.shadowInput, shadowOutput: graph.shadowOutput };
      await session.release();
      reason = 'the paired graph does not answer as each model alone';
    } catch (err) {
      reason = `onnxruntime cannot run the paired graph: ${(err as Error).message}`;
    }
  } else reason = graph.reason;
  logger.warn({ shadow: shadow.metadata.version, reason }, 'the shadow runs in its own session');
  return undefined;
}

/** The named outputs for the self-test passengers' encoded rows, one block per input. */
function answers(session: LoadedModel['session'], inputs: [string, Float32Array][], outputNames: string[]) {
  return new Batcher({
    session,
    inputNames: inputs.map(([name]) => name),
    outputNames,
    featureCount: FEATURE_COUNT,
    maxRows: SELF_TEST.length,
  }).predict(
    inputs.map(([, rows]) => rows),
    SELF_TEST.length,
  );
}

const identical = (a: Float32Array, b: Float32Array) =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
