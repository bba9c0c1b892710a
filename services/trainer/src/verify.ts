import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModelMetadata } from '@titanic/features';
import type { LocateOptions } from './data/locate.ts';
import { TrainerError } from './errors.ts';
import { type Progress, silentProgress } from './progress.ts';
import { runTraining } from './run.ts';
import { QUICK_PLAN } from './search.ts';

export interface VerifyOptions extends LocateOptions {
  /** Registry root holding `titanic/<version>/`. */
  readonly registry: string;
  readonly version: string;
  readonly progress?: Progress;
}

export interface VerifyResult {
  readonly version: string;
  readonly ok: boolean;
  /** What differs between the committed files and the retrained ones (empty when ok). */
  readonly differences: readonly string[];
}

/** Dotted paths whose values differ between two JSON values, with both values. */
function jsonDifferences(committed: unknown, derived: unknown, path = ''): string[] {
  if (typeof committed === 'object' && committed && typeof derived === 'object' && derived) {
    const keys = [...new Set([...Object.keys(committed), ...Object.keys(derived)])].sort();
    return keys.flatMap((k) =>
      jsonDifferences(
        (committed as Record<string, unknown>)[k],
        (derived as Record<string, unknown>)[k],
        path ? `${path}.${k}` : k,
      ),
    );
  }
  return Object.is(committed, derived)
    ? []
    : [`model.json ${path}: committed ${JSON.stringify(committed)}, retrained ${JSON.stringify(derived)}`];
}

/**
 * Re-derives a registered model from the training data: retrains with the seed, search plan and
 * `created` stamp its model.json records and compares the bytes of model.onnx and model.json.
 * Training is deterministic, so any difference means the committed files (metrics included) are
 * not what this code and data produce. CI runs it for every model version a change touches.
 */
export async function verifyModel(opts: VerifyOptions): Promise<VerifyResult> {
  const dir = join(opts.registry, 'titanic', opts.version);
  let jsonText: string;
  let onnx: Buffer;
  try {
    jsonText = readFileSync(join(dir, 'model.json'), 'utf8');
    onnx = readFileSync(join(dir, 'model.onnx'));
  } catch (error) {
    throw new TrainerError(`${dir}: ${(error as Error).message}`);
  }
  const parsed = parseModelMetadata(jsonText, join(dir, 'model.json'));
  if (!parsed.ok) return { version: opts.version, ok: false, differences: [parsed.reason] };
  const meta = parsed.meta;
  const params = meta.params as { seed?: unknown; search?: { repeats?: unknown; candidates?: unknown[] } };
  if (typeof params.seed !== 'number')
    return { version: opts.version, ok: false, differences: ['model.json params.seed is missing'] };
  const quickCount = QUICK_PLAN.logistic.length + QUICK_PLAN.gbdt.length + QUICK_PLAN.blendWeights.length;
  const quick =
    params.search?.repeats === QUICK_PLAN.repeats && params.search?.candidates?.length === quickCount;
  const out = mkdtempSync(join(tmpdir(), 'trainer-verify-'));
  try {
    const result = await runTraining({
      ...opts,
      seed: params.seed,
      quick,
      out,
      version: opts.version,
      now: () => new Date(meta.created),
      progress: opts.progress ?? silentProgress,
    });
    const derivedJson = readFileSync(join(result.dir, 'model.json'), 'utf8');
    const differences: string[] = [];
    if (!onnx.equals(Buffer.from(result.onnx)))
      differences.push(
        `model.onnx: committed bytes differ from the retrained model (sha256 ${result.onnxSha256})`,
      );
    if (derivedJson !== jsonText) {
      const found = jsonDifferences(JSON.parse(jsonText), JSON.parse(derivedJson));
      differences.push(
        ...(found.length > 0 ? found : ['model.json: formatting differs from the trainer output']),
      );
    }
    return { version: opts.version, ok: differences.length === 0, differences };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
