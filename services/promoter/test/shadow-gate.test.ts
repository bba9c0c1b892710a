import { loadEnvironment } from '@titanic/platform/environments/load.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.ts';
import { type ShadowEvidence, shadowEvidenceTable, shadowGate } from '../src/shadow-gate.ts';

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

  it('the CLI refuses an unknown --as as a usage error', async () => {
    expect(await main(['promote', '--env', 'prod', '--as', 'canary'], {})).toBe(2);
  });
});
