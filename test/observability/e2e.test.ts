import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningInference } from '@titanic/inference/start.ts';
import { alertRules } from '@titanic/platform/charts/prometheus/alert-rules.ts';
import { loadEnvironment } from '@titanic/platform/environments/load.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandGrafanaVariables, panelQueries } from './dashboard-queries.ts';
import { startMonitoringStack } from './e2e/monitoring-stack.ts';
import { type ObservedInference, startObservedInference } from './e2e/observed-inference.ts';
import { type RunningProcess, waitFor } from './e2e/processes.ts';
import type { PrometheusApi } from './e2e/prometheus-api.ts';
import { predict, predictAndLabel, skewedPassengers, trainingRows } from './e2e/traffic.ts';
import { startWebhookReceiver } from './e2e/webhook-receiver.ts';

const TOKEN = `e2e-${Math.random().toString(36).slice(2)}`;
const PSI_WINDOW = 200;
const FEEDBACK_WINDOW = 300;
// Grafana's $__rate_interval is at least four scrape intervals; 1 s scrapes make 15 s ample.
const RATE_INTERVAL = '15s';

let env: Environment;
let dir: string;
let observed: ObservedInference;
let inference: RunningInference;
let prometheus: RunningProcess;
let alertmanager: RunningProcess;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let api: PrometheusApi;
let trainingRate: number;

beforeAll(async () => {
  env = await loadEnvironment('dev');
  dir = await mkdtemp(join(tmpdir(), 'observability-e2e-'));
  observed = await startObservedInference(env, PSI_WINDOW, FEEDBACK_WINDOW);
  ({ inference, trainingPositiveRate: trainingRate } = observed);
  receiver = await startWebhookReceiver();
  const tokenFile = join(dir, 'webhook-token');
  await writeFile(tokenFile, TOKEN, { mode: 0o600 });
  const stack = await startMonitoringStack({
    dir,
    env,
    inference: new URL(inference.url).host,
    webhookUrl: receiver.url,
    credentialsFile: tokenFile,
    trainingPositiveRate: trainingRate,
  });
  ({ prometheus, alertmanager, api } = stack);
});

afterAll(async () => {
  await Promise.allSettled([prometheus?.stop(), alertmanager?.stop(), receiver?.stop()]);
  await observed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const liveBrierAlerts = async () =>
  (await api.alerts()).filter((a) => a.labels.alertname === 'LiveBrierAboveModelCard');
const driftAlerts = async () =>
  (await api.alerts()).filter((a) => a.labels.alertname === 'ModelFeatureDrift');
/** The first webhook delivery carrying `alertname`; a body the promoter would refuse fails at once. */
function deliveryOf(alertname: string) {
  if (receiver.refused.length > 0) throw new Error(`refused: ${receiver.refused.join('; ')}`);
  return receiver.deliveries.find((d) => d.payload.alerts.some((a) => a.labels.alertname === alertname));
}

describe('observability on a real Prometheus and Alertmanager', () => {
  it('serves normal traffic without drift, and every panel and rule query parses; inference panels return data', async () => {
    expect(inference.modelVersion).toBe(env.model.version);
    // Training-like passengers, labelled with what became of them: a healthy label stream.
    const rows = await trainingRows();
    await predictAndLabel(
      inference.url,
      rows.map((r) => r.passenger),
      (i) => rows[i]!.survived === 1,
    );
    // One client mistake so the 4xx panel has a series.
    const bad = await fetch(`${inference.url}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ passengers: [{ pclass: 9 }] }),
    });
    expect(bad.status).toBe(400);
    // A few evaluations with the window full of training-like passengers: nothing pending.
    await new Promise((r) => setTimeout(r, 4000));
    expect(await driftAlerts()).toEqual([]);
    expect(await liveBrierAlerts()).toEqual([]);

    const vars = { env: env.name, rateInterval: RATE_INTERVAL };
    const rules = alertRules(env, { trainingPositiveRate: trainingRate }).groups.flatMap((g) => g.rules);
    const failures: string[] = [];
    for (const rule of rules) {
      const res = await api.query(rule.expr);
      if (res.status !== 'success') failures.push(`${rule.alert}: ${res.error}`);
    }
    // A panel shows data when at least one of its queries returns a series (no drops yet is fine).
    const inferencePanels = new Map<string, boolean>();
    for (const q of panelQueries()) {
      const res = await api.query(expandGrafanaVariables(q.expr, vars));
      if (res.status !== 'success') failures.push(`${q.dashboard} / ${q.panel}: ${res.error}`);
      else if (q.dashboard === 'titanic-inference.json') {
        const hasData = (res.data?.result.length ?? 0) > 0;
        inferencePanels.set(q.panel, (inferencePanels.get(q.panel) ?? false) || hasData);
      }
    }
    expect(failures).toEqual([]);
    // The inference dashboard's env variable: label_values(titanic_model_info, env).
    const envValues = await fetch(`${api.baseUrl}/api/v1/label/env/values?match[]=titanic_model_info`);
    expect(((await envValues.json()) as { data: string[] }).data).toEqual([env.name]);
    expect(inferencePanels.size).toBeGreaterThan(10);
    expect([...inferencePanels].filter(([, hasData]) => !hasData).map(([panel]) => panel)).toEqual([]);
  });

  it('fires the drift alert on skewed traffic and Alertmanager delivers it to the rollback webhook', async () => {
    await predict(inference.url, skewedPassengers(PSI_WINDOW));
    const firing = await waitFor(
      'ModelFeatureDrift to fire for feature age',
      async () => {
        const alerts = (await driftAlerts()).filter((a) => a.state === 'firing');
        return alerts.some((a) => a.labels.feature === 'age') ? alerts : undefined;
      },
      30_000,
    );
    expect(firing.map((a) => a.labels.feature)).toContain('age');
    for (const alert of firing)
      expect(alert.labels).toMatchObject({
        env: env.name,
        model_version: inference.modelVersion,
        rollback: 'true',
      });

    const delivery = await waitFor(
      'a webhook delivery for ModelFeatureDrift',
      async () => deliveryOf('ModelFeatureDrift'),
      20_000,
    );
    expect(delivery.authorization).toBe(`Bearer ${TOKEN}`);
    expect(delivery.path).toBe('/hooks/alertmanager');
    expect(delivery.payload).toMatchObject({ version: '4', status: 'firing', receiver: 'promoter-rollback' });
    expect(delivery.payload.groupLabels).toMatchObject({ env: env.name, alertname: 'ModelFeatureDrift' });
    for (const alert of delivery.payload.alerts) {
      expect(alert.labels).toMatchObject({
        alertname: 'ModelFeatureDrift',
        env: env.name,
        model_version: inference.modelVersion,
        rollback: 'true',
        severity: 'critical',
      });
      expect(alert.annotations.runbook_url).toMatch(/docs\/runbooks\.md#modelfeaturedrift$/);
    }
    // No exporter runs here, so PostgresDown fires too: it must stay away from the promoter.
    const postgres = (await api.alerts()).find((a) => a.labels.alertname === 'PostgresDown');
    expect(postgres).toMatchObject({ state: 'firing', labels: { rollback: 'false', env: env.name } });
    for (const d of receiver.deliveries)
      for (const a of d.payload.alerts) expect(a.labels.rollback).toBe('true');

    // The GitOps dashboard's served-version and firing-alert panels now have data as well.
    const gitops = panelQueries().filter((p) => /served per environment|Alerts firing now/.test(p.panel));
    expect(gitops).toHaveLength(2);
    for (const q of gitops) {
      const res = await api.query(
        expandGrafanaVariables(q.expr, { env: env.name, rateInterval: RATE_INTERVAL }),
      );
      expect(res.data?.result.length, q.panel).toBeGreaterThan(0);
    }
  });

  it('fires the live-Brier rollback alert on a degrading label stream, for the served model only', async () => {
    // Every label contradicts the served prediction: the live window fills with wrong answers.
    await predictAndLabel(
      inference.url,
      (await trainingRows()).slice(0, FEEDBACK_WINDOW).map((r) => r.passenger),
      (_i, p) => p < 0.5,
    );
    const firing = await waitFor(
      'LiveBrierAboveModelCard to fire',
      async () => (await liveBrierAlerts()).find((a) => a.state === 'firing'),
      30_000,
    );
    expect(firing.labels).toMatchObject({
      env: env.name,
      model_version: inference.modelVersion,
      rollback: 'true',
      severity: 'critical',
    });
    expect(Number(firing.value)).toBeGreaterThan(0.5);
    // The shadow saw the same wrong labels, but only the served model may be rolled back.
    expect((await liveBrierAlerts()).map((a) => a.labels.model_version)).toEqual([inference.modelVersion]);
    await waitFor(
      'a webhook delivery for LiveBrierAboveModelCard',
      async () => deliveryOf('LiveBrierAboveModelCard'),
      20_000,
    );
  });
});
