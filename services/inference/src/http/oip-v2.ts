import packageJson from '../../package.json' with { type: 'json' };
import { ApiError } from '../errors.ts';
import type { AppMiddleware, AppRouter, RequestContext } from './context.ts';
import type { AppDeps } from './deps.ts';
import { readJson } from './read-json.ts';
import { MAX_PASSENGERS, v2InferRequest } from './schemas.ts';

const MODEL_NAME = 'titanic';
const bad = (message: string) => new ApiError(400, 'invalid_request', message);

/** The largest finite float32: anything beyond becomes ±Infinity in the model's input. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Why one value cannot be a float32 input, or undefined when it can. */
function badValue(v: unknown): string | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return 'must be a finite number';
  if (v > FLOAT32_MAX || v < -FLOAT32_MAX) return `is outside the float32 range (±${FLOAT32_MAX})`;
  return undefined;
}

/**
 * The tensor's values, row-major, as float32: `data` flat (`rows * cols` numbers) or nested
 * exactly as the shape says (`rows` lists of `cols` numbers). Throws a 400 naming the element.
 */
function tensorValues(name: string, data: readonly unknown[], rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  const nested = Array.isArray(data[0]);
  if (nested ? data.length !== rows : data.length !== rows * cols)
    throw bad(
      nested
        ? `input ${name} data has ${data.length} rows but shape [${rows}, ${cols}] needs ${rows}`
        : `input ${name} has ${data.length} values but shape [${rows}, ${cols}] needs ${rows * cols}`,
    );
  for (let r = 0; r < rows; r++) {
    const row = nested ? data[r] : undefined;
    if (nested && (!Array.isArray(row) || row.length !== cols))
      throw bad(
        `input ${name} data[${r}] must be a list of ${cols} numbers (shape [${rows}, ${cols}])${Array.isArray(row) ? `; it has ${row.length}` : ''}`,
      );
    for (let c = 0; c < cols; c++) {
      const v = nested ? (row as unknown[])[c] : data[r * cols + c];
      const problem = badValue(v);
      if (problem) throw bad(`input ${name} data[${nested ? `${r}][${c}` : r * cols + c}] ${problem}`);
      out[r * cols + c] = v as number;
    }
  }
  return out;
}

/**
 * Open Inference Protocol v2 (KServe / Triton REST): health, metadata and infer for the one
 * model this server holds. Errors are `{"error": "..."}` as the protocol specifies.
 */
export function registerOipV2(router: AppRouter, deps: AppDeps, guard: AppMiddleware): void {
  const { predictor, policy, state } = deps;
  const { inputName, outputName } = predictor.model.metadata.onnx;
  const F = predictor.featureCount;

  const requireModel = (ctx: RequestContext) => {
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

  const metadata = (ctx: RequestContext) => {
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
  const ready = (ctx: RequestContext) => {
    requireModel(ctx);
    ctx.status = state.ready ? 200 : 503;
    ctx.body = { name: MODEL_NAME, ready: state.ready };
  };
  const infer = async (ctx: RequestContext) => {
    requireModel(ctx);
    const at = Date.now();
    const body = await readJson(ctx);
    if (!body || !policy.admits(ctx, body.text.length)) return;
    const parsed = v2InferRequest.safeParse(body.json);
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
    const features = tensorValues(inputName, input.data, rows, F);
    ctx.state.passengers = rows;
    // Tensors are already encoded: a shadow with another encoder cannot score them.
    const { probabilities, shadow: shadowed } = await predictor.predict(features, rows, 'v2');
    const rowsJson = new Array<string>(rows);
    for (let r = 0; r < rows; r++) rowsJson[r] = `[${features.subarray(r * F, (r + 1) * F).join(',')}]`;
    const kept = policy.record(ctx, {
      requestId: ctx.state.requestId,
      at,
      api: 'v2',
      passengers: rows,
      input: `[${rowsJson.join(',')}]`,
      probabilities,
      latencyMs: performance.now() - ctx.state.startedAt,
      shadow: shadowed && { version: predictor.shadow!.version, probabilities: shadowed },
    });
    if (!kept) return;
    ctx.body = {
      model_name: MODEL_NAME,
      model_version: predictor.version,
      ...(request.id !== undefined ? { id: request.id } : {}),
      outputs: [{ name: outputName, datatype: 'FP32', shape: [rows], data: Array.from(probabilities) }],
    };
  };

  router.get('/v2/models/:model', metadata);
  router.get('/v2/models/:model/versions/:version', metadata);
  router.get('/v2/models/:model/ready', ready);
  router.get('/v2/models/:model/versions/:version/ready', ready);
  router.post('/v2/models/:model/infer', guard, infer);
  router.post('/v2/models/:model/versions/:version/infer', guard, infer);
}
