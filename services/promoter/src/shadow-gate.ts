import { inferenceSelector } from '@titanic/platform/charts/prometheus/alert-rules/selectors.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import type { GateResult } from './gates.ts';
import type { PrometheusClient } from './prometheus.ts';

/** What the pods measured while the candidate ran as the environment's shadow. */
export interface ShadowEvidence {
  readonly served: string;
  readonly shadow: string;
  readonly window: string;
  /** Passengers both models scored in the window, over every pod. */
  readonly predictions: number;
  readonly agreement: number | undefined;
  readonly meanShift: number | undefined;
  readonly meanServed: number | undefined;
  readonly meanShadow: number | undefined;
  readonly psi: number | undefined;
}

/** Reads the shadow comparison of `candidate` against the served model from Prometheus. */
export async function shadowEvidence(
  prometheus: PrometheusClient,
  target: Environment,
  candidate: string,
): Promise<ShadowEvidence> {
  const window = target.liveQuality.shadow.window;
  const sel = (...extra: string[]) =>
    inferenceSelector(
      target.name,
      `model_version="${target.model.version}"`,
      `shadow_version="${candidate}"`,
      ...extra,
    );
  // What the pods counted, never more: each series' last sample in the window less its first (a
  // pod exports its counters at zero when it starts), summed over the pods. increase() would
  // extrapolate to the window's edges and could claim passengers no pod scored; a counter reset
  // within one series only lowers this.
  const total = (metric: string, ...extra: string[]) => {
    const range = `${metric}${sel(...extra)}[${window}]`;
    return prometheus.scalar(`sum(max_over_time(${range}) - min_over_time(${range}))`);
  };
  // Independent queries: asked together.
  const [predicted, agreements, shifts, served, shadowed, psi] = await Promise.all([
    total('titanic_shadow_predictions_total'),
    total('titanic_shadow_agreements_total'),
    total('titanic_shadow_abs_diff_sum'),
    total('titanic_shadow_probability_sum', 'role="primary"'),
    total('titanic_shadow_probability_sum', 'role="shadow"'),
    prometheus.scalar(`max(last_over_time(titanic_shadow_psi${sel()}[${window}]))`),
  ]);
  const predictions = predicted ?? 0;
  const per = (sum: number | undefined) =>
    sum === undefined || predictions <= 0 ? undefined : sum / predictions;
  return {
    served: target.model.version,
    shadow: candidate,
    window,
    predictions,
    agreement: per(agreements),
    meanShift: per(shifts),
    meanServed: per(served),
    meanShadow: per(shadowed),
    psi,
  };
}

const f = (x: number | undefined, d = 4) => (x === undefined ? 'n/a' : x.toFixed(d));

/** Each check of the evidence against the environment's `liveQuality.shadow` thresholds. */
function checks(e: ShadowEvidence, t: Environment['liveQuality']['shadow']) {
  return [
    {
      what: 'shadowed predictions',
      value: String(Math.round(e.predictions)),
      limit: `≥ ${t.minPredictions}`,
      ok: e.predictions >= t.minPredictions,
    },
    {
      what: 'label agreement',
      value: f(e.agreement),
      limit: `≥ ${t.minAgreement}`,
      ok: e.agreement !== undefined && e.agreement >= t.minAgreement,
    },
    {
      what: 'mean |Δp|',
      value: f(e.meanShift),
      limit: `≤ ${t.maxMeanShift}`,
      ok: e.meanShift !== undefined && e.meanShift <= t.maxMeanShift,
    },
    {
      what: 'PSI shadow vs served',
      value: f(e.psi),
      limit: `≤ ${t.maxPsi}`,
      ok: e.psi !== undefined && e.psi <= t.maxPsi,
    },
  ];
}

/** The shadow must have scored enough live traffic, agreeing and shifting within the thresholds. */
export function shadowGate(target: Environment, e: ShadowEvidence): GateResult {
  const results = checks(e, target.liveQuality.shadow);
  const failed = results.filter((r) => !r.ok);
  const summary = results.map((r) => `${r.what} ${r.value} (${r.limit})`).join(', ');
  return {
    gate: 'shadow',
    ok: failed.length === 0,
    detail: `${e.shadow} as ${target.name}'s shadow beside ${e.served} over ${e.window}: ${summary}${failed.length ? `; not met: ${failed.map((r) => r.what).join(', ')}` : ''}`,
  };
}

/** The evidence as a markdown table for the promotion pull request. */
export function shadowEvidenceTable(target: Environment, e: ShadowEvidence): string {
  const rows = checks(e, target.liveQuality.shadow).map(
    (r) => `| ${r.what.replaceAll('|', '\\|')} | ${r.value} | ${r.limit} | ${r.ok ? '🟢' : '🔴'} |`,
  );
  return [
    '### Shadow evidence',
    '',
    `Model \`${e.shadow}\` scored ${target.name}'s live traffic as its shadow beside the served model \`${e.served}\` (Prometheus, last ${e.window}, all pods).`,
    '',
    '| measure | live | required | |',
    '| --- | ---: | ---: | --- |',
    ...rows,
    `| mean probability, served / shadow | ${f(e.meanServed)} / ${f(e.meanShadow)} | | |`,
  ].join('\n');
}
