import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metrics } from '@titanic/inference/telemetry/metrics.ts';
import { loadEnvironment } from '@titanic/platform/environments/load.ts';
import { EnvironmentFile } from '@titanic/promoter/env-file.ts';
import { PrometheusClient } from '@titanic/promoter/prometheus.ts';
import { promote } from '@titanic/promoter/promote.ts';
import { promoteShadow } from '@titanic/promoter/promote-shadow.ts';
import { type Harness, startHarness, V } from '@titanic/promoter/test/support/harness.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MonitoringStack, startMonitoringStack } from '../observability/e2e/monitoring-stack.ts';
import { waitFor } from '../observability/e2e/processes.ts';

/**
 * Promotion through the shadow: the promoter pins a candidate as prod's shadow, reads the live
 * comparison from a real Prometheus, refuses a candidate that disagrees with the served model and
 * promotes one that agrees. The pods' side is the inference service's own metrics registry, fed
 * with the comparisons its shadow would record, served to Prometheus over loopback.
 */
let h: Harness;
let dir: string;
let stack: MonitoringStack;
let exporter: Server;
const metrics = new Metrics();

/** What prod's pods record when `shadow` scores `n` passengers beside the served model. */
function shadowTraffic(shadow: string, n: number, agreeing: number, meanShift: number, psi: number): void {
  const labels = { model_version: V.prodModel, shadow_version: shadow };
  metrics.shadowPredictions.inc(labels, n);
  metrics.shadowAgreements.inc(labels, agreeing);
  metrics.shadowAbsDiff.inc(labels, meanShift * n);
  metrics.shadowProbabilitySum.inc({ ...labels, role: 'primary' }, 0.38 * n);
  metrics.shadowProbabilitySum.inc({ ...labels, role: 'shadow' }, (0.38 + meanShift) * n);
  metrics.setShadow(V.prodModel, shadow, { agreement: agreeing / n, psi });
}

beforeAll(async () => {
  h = await startHarness();
  dir = await mkdtemp(join(tmpdir(), 'shadow-promotion-'));
  for (const shadow of [V.worse, V.good]) shadowTraffic(shadow, 0, 0, 0, 0);
  exporter = createServer(async (_req, res) => {
    res
      .writeHead(200, { 'content-type': metrics.registry.contentType })
      .end(await metrics.registry.metrics());
  });
  await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
  const prod = await loadEnvironment('prod');
  const token = join(dir, 'token');
  await writeFile(token, 'shadow-promotion-token', { mode: 0o600 });
  stack = await startMonitoringStack({
    dir,
    env: prod,
    inference: `127.0.0.1:${(exporter.address() as AddressInfo).port}`,
    webhookUrl: 'http://127.0.0.1:9/hooks/alertmanager',
    credentialsFile: token,
    trainingPositiveRate: 0.38,
  });
  // Prometheus holds the zero counters before any traffic, so increase() sees all of it.
  await waitFor(
    'Prometheus to scrape the zero counters',
    async () => {
      const n = await new PrometheusClient(stack.api.baseUrl).scalar(
        'count(titanic_shadow_predictions_total)',
      );
      return n === 2 || undefined;
    },
    20_000,
  );
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  exporter?.close();
  await h?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Merges a shadow pull request's environment file into main (what a reviewer's merge does). */
async function mergeShadowPin(branch: string): Promise<void> {
  const clone = await h.clone();
  await clone.run(['fetch', '--quiet', 'origin', branch]);
  await clone.run(['merge', '--quiet', '--ff-only', 'FETCH_HEAD']);
  await clone.push();
}

const prometheus = () => new PrometheusClient(stack.api.baseUrl);
const ctx = () => h.ctx({ prometheus });

describe('promotion through the shadow, evidence from a real Prometheus', () => {
  it("pins a candidate as prod's shadow in a pull request", async () => {
    const r = await promoteShadow(ctx(), { env: 'prod', model: V.worse });
    expect(r.status).toBe('opened');
    const pull = h.github.pulls.get(r.pull!.number)!;
    expect(pull.labels).toEqual(['shadow', 'env:prod']);
    const clone = await h.clone();
    await clone.run(['fetch', '--quiet', 'origin', r.branch!]);
    const text = await clone.run(['show', `FETCH_HEAD:environments/prod.yaml`]);
    const env = EnvironmentFile.parse('prod', text).value();
    expect(env.model.version).toBe(V.prodModel);
    expect(env.model.shadow).toEqual({
      version: V.worse,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      digest: h.digests[`model:${V.worse}`],
    });
    const inference = await clone.run(['show', 'FETCH_HEAD:dist/prod/inference.yaml']);
    expect(inference).toContain('name: shadow-modelcar');
    expect(inference).toContain(`titanic-model:${V.worse}@${h.digests[`model:${V.worse}`]}`);
    // Serving stays with the served model: only a shadow is added.
    expect((await promoteShadow(ctx(), { env: 'prod', model: V.prodModel })).status).toBe('refused');
    await mergeShadowPin(r.branch!);
  }, 90_000);

  it('refuses a shadow that disagrees with the served model, showing the live evidence', async () => {
    // 6,000 passengers, 70 % label agreement, probabilities 0.12 apart on average.
    shadowTraffic(V.worse, 6000, 4200, 0.12, 0.4);
    await waitFor(
      'Prometheus to scrape the disagreeing shadow',
      async () => {
        const n = await prometheus().scalar(
          `sum(titanic_shadow_predictions_total{shadow_version="${V.worse}"})`,
        );
        return n === 6000 || undefined;
      },
      20_000,
    );
    const r = await promote(ctx(), { env: 'prod', model: V.worse });
    expect(r.status).toBe('refused');
    const gate = r.gates.find((g) => g.gate === 'shadow')!;
    expect(gate.ok).toBe(false);
    expect(gate.detail).toMatch(/not met: label agreement, mean \|Δp\|, PSI shadow vs served/);
    console.log(`refused: ${gate.detail}`);
  }, 90_000);

  it('promotes a shadow that agrees, clears the pin and puts the evidence table in the pull request', async () => {
    const pin = await promoteShadow(ctx(), { env: 'prod', model: V.good });
    expect(pin.status).toBe('opened');
    await mergeShadowPin(pin.branch!);
    shadowTraffic(V.good, 6000, 5910, 0.018, 0.02);
    await waitFor(
      'Prometheus to scrape the agreeing shadow',
      async () => {
        const n = await prometheus().scalar(
          `sum(titanic_shadow_predictions_total{shadow_version="${V.good}"})`,
        );
        return n === 6000 || undefined;
      },
      20_000,
    );
    const r = await promote(ctx(), { env: 'prod', model: V.good });
    expect(r.gates.map((g) => [g.gate, g.ok])).toEqual([
      ['order', true],
      ['model', true],
      ['image', true],
      ['holds', true],
      ['rollback', true],
      ['shadow', true],
    ]);
    expect(r.status).toBe('opened');
    const body = h.github.pulls.get(r.pull!.number)!.body!;
    const table = body.slice(body.indexOf('### Shadow evidence'));
    console.log(table);
    expect(table).toContain(`| label agreement | 0.98`);
    expect(table).toMatch(/\| shadowed predictions \| \d+ \| ≥ 5000 \| 🟢 \|/);
    expect(table).not.toContain('🔴');
    const clone = await h.clone();
    await clone.run(['fetch', '--quiet', 'origin', r.branch!]);
    const env = EnvironmentFile.parse(
      'prod',
      await clone.run(['show', 'FETCH_HEAD:environments/prod.yaml']),
    ).value();
    expect(env.model.version).toBe(V.good);
    expect(env.model.shadow).toBeUndefined();
    expect(h.github.violations).toEqual([]);
  }, 90_000);
});
