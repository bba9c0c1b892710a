import { inferenceSelector } from '@titanic/platform/charts/prometheus/alert-rules/selectors.ts';
import { loadEnvironment } from '@titanic/platform/environments/load.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.ts';
import { type ShadowEvidence, shadowEvidence, shadowEvidenceTable, shadowGate } from '../src/shadow-gate.ts';
import { startPrometheus } from './support/prometheus.ts';

let prod: Environment;
beforeAll(async () => {
  prod = await loadEnvironment('prod');
});

const evidence = (over: Partial<ShadowEvidence> = {}): ShadowEvidence => {
  const t = prod.liveQuality.shadow;
  // Exactly at every threshold.
  return {
    served: prod.model.version,
    shadow: '2026.12.31-1',
    window: t.window,
    predictions: t.minPredictions,
    agreement: t.minAgreement,
    meanShift: t.maxMeanShift,
    meanServed: 0.38,
    meanShadow: 0.4,
    psi: t.maxPsi,
    ...over,
  };
};

describe('the shadow gate', () => {
  it('admits evidence that meets every threshold exactly', () => {
    const gate = shadowGate(prod, evidence());
    expect(gate).toMatchObject({ gate: 'shadow', ok: true });
    expect(gate.detail).not.toContain('not met');
  });

  it('names each threshold the evidence misses, and missing evidence fails', () => {
    const t = prod.liveQuality.shadow;
    const cases: [Partial<ShadowEvidence>, string][] = [
      [{ predictions: t.minPredictions - 1 }, 'shadowed predictions'],
      [{ agreement: t.minAgreement - 0.001 }, 'label agreement'],
      [{ meanShift: t.maxMeanShift + 0.001 }, 'mean |Δp|'],
      [{ psi: t.maxPsi + 0.001 }, 'PSI shadow vs served'],
      [{ agreement: undefined }, 'label agreement'],
      [{ psi: undefined }, 'PSI shadow vs served'],
    ];
    for (const [over, what] of cases) {
      const gate = shadowGate(prod, evidence(over));
      expect(gate.ok, what).toBe(false);
      expect(gate.detail).toContain(`not met: ${what}`);
    }
  });

  it('renders a markdown table whose cells keep the |Δp| pipes escaped', () => {
    const table = shadowEvidenceTable(prod, evidence({ agreement: 0.5 }));
    const rows = table.split('\n').filter((l) => l.startsWith('| '));
    for (const row of rows) expect(row.replaceAll('\\|', '').split('|')).toHaveLength(6);
    expect(table).toContain('| label agreement | 0.5000 | ≥ 0.9 | 🔴 |');
  });

  it("counts what the pods counted in the window, not increase()'s extrapolation to its edges", async () => {
    const shadow = '2026.12.31-1';
    const now = Math.floor(Date.now() / 1000);
    const labels = (pod: string) =>
      `{${inferenceSelector(prod.name).slice(1, -1)},instance="${pod}:9464",model_version="${prod.model.version}",shadow_version="${shadow}"}`;
    // Scrapes 20 s apart: pod-a started inside the window (from zero), pod-b ran before it.
    const series = (metric: string, pods: Record<string, number[]>) => [
      `# TYPE ${metric} unknown`,
      ...Object.entries(pods).flatMap(([pod, values]) =>
        values.map((v, i) => `${metric}${labels(pod)} ${v} ${now - 20 * (values.length - i)}`),
      ),
    ];
    const history = [
      ...series('titanic_shadow_predictions_total', { a: [0, 2000, 3000], b: [10000, 10500, 11000] }),
      ...series('titanic_shadow_agreements_total', { a: [0, 1950, 2900], b: [9600, 10080, 10560] }),
      '# EOF',
      '',
    ].join('\n');
    const prometheus = await startPrometheus([], { history });
    try {
      const e = await shadowEvidence(prometheus.client, prod, shadow);
      expect(e.predictions).toBe(4000);
      expect(e.agreement).toBeCloseTo(3860 / 4000, 12);
      expect(shadowGate(prod, e).detail).toContain('not met: shadowed predictions');
      // The same samples through increase(): more than the minimum, which no pod scored.
      const extrapolated = await prometheus.client.scalar(
        `sum(increase(titanic_shadow_predictions_total${inferenceSelector(prod.name)}[${prod.liveQuality.shadow.window}]))`,
      );
      expect(extrapolated).toBeGreaterThan(prod.liveQuality.shadow.minPredictions);
    } finally {
      await prometheus.stop();
    }
  });

  it('the CLI refuses an unknown --as as a usage error', async () => {
    expect(await main(['promote', '--env', 'prod', '--as', 'canary'], {})).toBe(2);
  });
});
