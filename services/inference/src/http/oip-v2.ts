import type { Router } from '@koa/router';
import type { Context, Middleware } from 'koa';
import packageJson from '../../package.json' with { type: 'json' };
import { ApiError } from '../errors.ts';
import type { AppDeps } from './deps.ts';
import { readJson } from './read-json.ts';
import { MAX_PASSENGERS, v2InferRequest } from './schemas.ts';

const MODEL_NAME = 'titanic';
const bad = (message: string) => new ApiError(400, 'invalid_request', message);

/** Flattens nested row-major data into `out`; false when a value is not a finite number. */
function flatten(data: readonly unknown[], out: number[], depth = 0): boolean {
  for (const v of data) {
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
      out.push(v);
    } else if (Array.isArray(v) && depth < 2) {
      if (!flatten(v, out, depth + 1)) return false;
    } else return false;
  }
  return true;
}

/**
 * Open Inference Protocol v2 (KServe / Triton REST): health, metadata and infer for the one
 * model this server holds. Errors are `{"error": "..."}` as the protocol specifies.
 */
export function registerOipV2(router: Router, deps: AppDeps, guard: Middleware): void {
  const { predictor, predictionLog, state } = deps;
  const { inputName, outputName } = predictor.model.metadata.onnx;
  const F = predictor.featureCount;

  const requireModel = (ctx: Context) => {
    const { model, version } = ctx.params as { model: string; version?: string };
    if (model !== MODEL_NAME) throw new ApiError(404, 'not_found', `unknown model ${model.slice(0, 100)}`);
    if (version !== undefined && version !== predictor.version)
      throw new ApiError(
        404,
        'not_found',
        `model ${MODEL_NAME} has no version ${version.slice(0, 100)} here`,
      );
  };

  router.get('/v2', (ctx) => {
    ctx.body = { name: 'titanic-inference', version: packageJson.version, extensions: [] };
  });
  router.get('/v2/health/live', (ctx) => {
    ctx.body = { live: true };
  });
  router.get('/v2/health/ready', (ctx) => {
    ctx.status = state.ready ? 200 : 503;
    ctx.body = { ready: state.ready };
  });

  const metadata = (ctx: Context) => {
    requireModel(ctx);
    ctx.body = {
      name: MODEL_NAME,
      versions: [predictor.version],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: inputName, datatype: 'FP32', shape: [-1, F] }],
      outputs: [{ name: outputName, datatype: 'FP32', shape: [-1] }],
      parameters: { features: predictor.model.metadata.features },
    };
  };
  const ready = (ctx: Context) => {
    requireModel(ctx);
    ctx.status = state.ready ? 200 : 503;
    ctx.body = { name: MODEL_NAME, ready: state.ready };
  };
  const infer = async (ctx: Context) => {
    requireModel(ctx);
    const at = Date.now();
    const parsed = v2InferRequest.safeParse((await readJson(ctx)).json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw bad(`${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const request = parsed.data;
    if (request.inputs.length !== 1) throw bad(`inputs must hold exactly one tensor named ${inputName}`);
    const input = request.inputs[0]!;
    if (input.name !== inputName)
      throw bad(`unknown input ${input.name.slice(0, 100)}; the model takes ${inputName}`);
    if (input.datatype !== 'FP32') throw bad(`input ${inputName} must have datatype FP32`);
    const [rows, cols] = input.shape;
    if (input.shape.length !== 2 || cols !== F || rows === undefined || rows < 1 || rows > MAX_PASSENGERS)
      throw bad(`input ${inputName} must have shape [N, ${F}] with 1 <= N <= ${MAX_PASSENGERS}`);
    for (const o of request.outputs ?? [])
      if (o.name !== outputName)
        throw bad(`unknown output ${o.name.slice(0, 100)}; the model returns ${outputName}`);
    const flat: number[] = [];
    if (!flatten(input.data, flat)) throw bad(`input ${inputName} data must hold only finite numbers`);
    if (flat.length !== rows * F)
      throw bad(`input ${inputName} has ${flat.length} values but shape [${rows}, ${F}] needs ${rows * F}`);
    ctx.state.passengers = rows;
    const features = Float32Array.from(flat);
    const probabilities = await predictor.predict(features, rows, 'v2');
    ctx.body = {
      model_name: MODEL_NAME,
      model_version: predictor.version,
      ...(request.id !== undefined ? { id: request.id } : {}),
      outputs: [{ name: outputName, datatype: 'FP32', shape: [rows], data: Array.from(probabilities) }],
    };
    const rowsJson = new Array<string>(rows);
    for (let r = 0; r < rows; r++) rowsJson[r] = `[${features.subarray(r * F, (r + 1) * F).join(',')}]`;
    predictionLog.enqueue({
      requestId: ctx.state.requestId as string,
      at,
      api: 'v2',
      passengers: rows,
      input: `[${rowsJson.join(',')}]`,
      probabilities,
      latencyMs: performance.now() - (ctx.state.startedAt as number),
    });
  };

  router.get('/v2/models/:model', metadata);
  router.get('/v2/models/:model/versions/:version', metadata);
  router.get('/v2/models/:model/ready', ready);
  router.get('/v2/models/:model/versions/:version/ready', ready);
  router.post('/v2/models/:model/infer', guard, infer);
  router.post('/v2/models/:model/versions/:version/infer', guard, infer);
}
