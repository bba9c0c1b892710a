import type { ModelMetadata } from '@titanic/features';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { durationSeconds, type Evidence, formatDuration } from './evidence.ts';
import type { ModelLookup } from './models.ts';
import type { Verification } from './verification.ts';

export type GateName = 'order' | 'model' | 'image' | 'holds' | 'shadow';

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
export function orderGate(i: OrderInput): GateResult {
  const configured = i.target.promotion.upstream;
  if (!configured) {
    return {
      gate: 'order',
      ok: true,
      detail: `${i.target.name} has no upstream environment: it takes new versions directly`,
    };
  }
  if (i.from && i.from !== configured) {
    return {
      gate: 'order',
      ok: false,
      detail: `${i.target.name} only receives from ${configured} (promotion.upstream), not from ${i.from}`,
    };
  }
  const up = i.upstream!;
  if (up.model.version !== i.model || up.image.tag !== i.image) {
    return {
      gate: 'order',
      ok: false,
      detail: `${configured} runs model ${up.model.version} with image ${up.image.tag}, not model ${i.model} with image ${i.image}`,
    };
  }
  if (!i.evidence && i.missing) return { gate: 'order', ok: false, detail: i.missing };
  const needed = durationSeconds(i.target.promotion.minimumSoak);
  const ran = i.evidence ? (i.now.getTime() - Date.parse(i.evidence.since)) / 1000 : 0;
  if (ran < needed) {
    return {
      gate: 'order',
      ok: false,
      detail: `${configured} has soaked it for ${formatDuration(ran)}, less than the minimum soak of ${i.target.promotion.minimumSoak}${i.evidence?.detail ? ` (${i.evidence.detail})` : ''}`,
    };
  }
  return {
    gate: 'order',
    ok: true,
    detail: `${configured} has soaked it for ${formatDuration(ran)} (minimum soak ${i.target.promotion.minimumSoak}${i.evidence?.detail ? `; ${i.evidence.detail}` : ''})`,
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

/** The version is registered, its file hashes to the recorded sha256, and its AUC did not regress. */
export function modelGate(i: ModelInput): GateResult {
  if (!i.candidate.ok) return { gate: 'model', ok: false, detail: i.candidate.reason };
  const meta = i.candidate.meta;
  if (meta.version !== i.version) {
    return {
      gate: 'model',
      ok: false,
      detail: `model.json says version ${meta.version}, expected ${i.version}`,
    };
  }
  if (i.candidate.onnxSha256 !== meta.files.onnx.sha256) {
    return {
      gate: 'model',
      ok: false,
      detail: `model.onnx hashes to ${i.candidate.onnxSha256}, but model.json records ${meta.files.onnx.sha256}`,
    };
  }
  if (!i.verified.candidate.ok) {
    return {
      gate: 'model',
      ok: false,
      detail: `the metrics in model.json of ${i.version} are not verified by CI: ${i.verified.candidate.detail}`,
    };
  }
  if (!i.current.ok) {
    return {
      gate: 'model',
      ok: true,
      detail: `sha256 verified; ${i.verified.candidate.detail}; no metrics of the running model to compare (${i.current.reason})`,
    };
  }
  if (!i.verified.current.ok) {
    // The running model's numbers are the baseline: unverified, they prove nothing either way.
    const detail = `the running model's metrics are not verified by CI (${i.verified.current.detail}), so the regression check cannot be trusted`;
    return i.allowRegression
      ? { gate: 'model', ok: true, detail: `${detail}: accepted`, override: i.allowRegression }
      : { gate: 'model', ok: false, detail: `${detail}; pass --allow-regression "<reason>" to accept it` };
  }
  const delta = auc(meta) - auc(i.current.meta);
  const margin = i.target.promotion.allowedRegression;
  const summary = `CV ROC AUC ${auc(meta).toFixed(4)} vs ${auc(i.current.meta).toFixed(4)} running (Δ ${delta >= 0 ? '+' : ''}${delta.toFixed(4)}, allowed regression ${margin})`;
  if (delta < -margin - 1e-12) {
    if (i.allowRegression)
      return {
        gate: 'model',
        ok: true,
        detail: `${summary}: regression accepted`,
        override: i.allowRegression,
      };
    return {
      gate: 'model',
      ok: false,
      detail: `${summary}: regression beyond the margin; pass --allow-regression "<reason>" to accept it`,
    };
  }
  return { gate: 'model', ok: true, detail: `sha256 verified; ${i.verified.candidate.detail}; ${summary}` };
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
