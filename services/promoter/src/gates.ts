import type { ModelMetadata } from '@titanic/features';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { durationSeconds, type Evidence, formatDuration } from './evidence.ts';
import type { ModelLookup } from './models.ts';
import type { Verification } from './verification.ts';

export type GateName = 'order' | 'model' | 'image' | 'holds' | 'rollback' | 'shadow';

export interface GateResult {
  readonly gate: GateName;
  readonly ok: boolean;
  readonly detail: string;
  /** Set when a failing check was let through by an explicit, recorded override. */
  readonly override?: string;
}

export interface OrderInput {
  readonly target: Environment;
  readonly from: string | undefined;
  readonly upstream: Environment | undefined;
  readonly model: string;
  readonly image: string;
  readonly evidence: Evidence | undefined;
  /** Why there is no soak evidence (no passed verification upstream, no Prometheus, …). */
  readonly missing?: string;
  readonly now: Date;
}

/** staging ← dev, prod ← staging, and only after the upstream ran the versions for minimumSoak. */
export function orderGate(input: OrderInput): GateResult {
  const configured = input.target.promotion.upstream;
  if (!configured) {
    return {
      gate: 'order',
      ok: true,
      detail: `${input.target.name} has no upstream environment: it takes new versions directly`,
    };
  }
  if (input.from && input.from !== configured) {
    return {
      gate: 'order',
      ok: false,
      detail: `${input.target.name} only receives from ${configured} (promotion.upstream), not from ${input.from}`,
    };
  }
  const up = input.upstream!;
  if (up.model.version !== input.model || up.image.tag !== input.image) {
    return {
      gate: 'order',
      ok: false,
      detail: `${configured} runs model ${up.model.version} with image ${up.image.tag}, not model ${input.model} with image ${input.image}`,
    };
  }
  if (!input.evidence && input.missing) return { gate: 'order', ok: false, detail: input.missing };
  const needed = durationSeconds(input.target.promotion.minimumSoak);
  const ran = input.evidence ? (input.now.getTime() - Date.parse(input.evidence.since)) / 1000 : 0;
  if (ran < needed) {
    return {
      gate: 'order',
      ok: false,
      detail: `${configured} has soaked it for ${formatDuration(ran)}, less than the minimum soak of ${input.target.promotion.minimumSoak}: ${formatDuration(Math.ceil(needed - ran))} to go${input.evidence?.detail ? ` (${input.evidence.detail})` : ''}`,
    };
  }
  return {
    gate: 'order',
    ok: true,
    detail: `${configured} has soaked it for ${formatDuration(ran)} (minimum soak ${input.target.promotion.minimumSoak}${input.evidence?.detail ? `; ${input.evidence.detail}` : ''})`,
  };
}

export interface ModelInput {
  readonly target: Environment;
  readonly version: string;
  readonly candidate: ModelLookup;
  readonly current: ModelLookup;
  readonly allowRegression: string | undefined;
  /** Whether CI re-derived the candidate's and the running model's files (metrics included). */
  readonly verified: { readonly candidate: Verification; readonly current: Verification };
}

const auc = (m: ModelMetadata) => m.metrics.cv.rocAuc.mean;

/**
 * Why the candidate's files cannot be trusted, or undefined when they can: it is registered as
 * this version, model.onnx hashes to the sha256 its model.json records, and CI re-derived them.
 */
export function modelFileGate(input: {
  readonly version: string;
  readonly candidate: ModelLookup;
  readonly verified: Verification;
}): GateResult | undefined {
  if (!input.candidate.ok) return { gate: 'model', ok: false, detail: input.candidate.reason };
  const meta = input.candidate.meta;
  if (meta.version !== input.version) {
    return {
      gate: 'model',
      ok: false,
      detail: `model.json says version ${meta.version}, expected ${input.version}`,
    };
  }
  if (input.candidate.onnxSha256 !== meta.files.onnx.sha256) {
    return {
      gate: 'model',
      ok: false,
      detail: `model.onnx hashes to ${input.candidate.onnxSha256}, but model.json records ${meta.files.onnx.sha256}`,
    };
  }
  if (!input.verified.ok) {
    return {
      gate: 'model',
      ok: false,
      detail: `the metrics in model.json of ${input.version} are not verified by CI: ${input.verified.detail}`,
    };
  }
  return undefined;
}

/** The candidate's files can be trusted (modelFileGate) and its AUC did not regress. */
export function modelGate(input: ModelInput): GateResult {
  const refused = modelFileGate({ ...input, verified: input.verified.candidate });
  if (refused || !input.candidate.ok) return refused!;
  const meta = input.candidate.meta;
  if (!input.current.ok) {
    return {
      gate: 'model',
      ok: true,
      detail: `sha256 verified; ${input.verified.candidate.detail}; no metrics of the running model to compare (${input.current.reason})`,
    };
  }
  if (!input.verified.current.ok) {
    // The running model's numbers are the baseline: unverified, they prove nothing either way.
    const detail = `the running model's metrics are not verified by CI (${input.verified.current.detail}), so the regression check cannot be trusted`;
    return input.allowRegression
      ? { gate: 'model', ok: true, detail: `${detail}: accepted`, override: input.allowRegression }
      : { gate: 'model', ok: false, detail: `${detail}; pass --allow-regression "<reason>" to accept it` };
  }
  const delta = auc(meta) - auc(input.current.meta);
  const margin = input.target.promotion.allowedRegression;
  const summary = `CV ROC AUC ${auc(meta).toFixed(4)} vs ${auc(input.current.meta).toFixed(4)} running (Δ ${delta >= 0 ? '+' : ''}${delta.toFixed(4)}, allowed regression ${margin})`;
  if (delta < -margin - 1e-12) {
    if (input.allowRegression)
      return {
        gate: 'model',
        ok: true,
        detail: `${summary}: regression accepted`,
        override: input.allowRegression,
      };
    return {
      gate: 'model',
      ok: false,
      detail: `${summary}: regression beyond the margin; pass --allow-regression "<reason>" to accept it`,
    };
  }
  return {
    gate: 'model',
    ok: true,
    detail: `sha256 verified; ${input.verified.candidate.detail}; ${summary}`,
  };
}

/** A held model version or image tag is refused with the hold's reason. */
export function holdsGate(target: Environment, model: string, image: string): GateResult {
  const hits = target.promotion.holds.filter(
    (h) => (h.model && h.model === model) || (h.image && h.image === image),
  );
  if (hits.length === 0)
    return {
      gate: 'holds',
      ok: true,
      detail: `no hold on model ${model} or image ${image} in ${target.name}`,
    };
  const why = hits.map(
    (h) =>
      `${h.model ? `model ${h.model}` : `image ${h.image}`} held since ${h.since}${h.by ? ` by ${h.by}` : ''}: ${h.reason}`,
  );
  return {
    gate: 'holds',
    ok: false,
    detail: `${why.join('; ')} (remove the hold from environments/${target.name}.yaml to allow it)`,
  };
}
