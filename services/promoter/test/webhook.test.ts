import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics.ts';
import { promote } from '../src/promote.ts';
import { code } from '../src/untrusted.ts';
import { createWebhookApp } from '../src/webhook.ts';
import { webhookPayload } from './support/alert-payload.ts';
import { Alertmanager } from './support/alertmanager.ts';
import { type Harness, startHarness, V } from './support/harness.ts';

const SECRET = 'alertmanager-shared-secret-0123456789';
let h: Harness;
let server: Server;
let url: string;
const metrics = createMetrics();

beforeAll(async () => {
  h = await startHarness();
  const promoted = await promote(h.ctx(), { env: 'prod' });
  const { repo } = h.ctx();
  await repo.client.pulls.merge({ owner: repo.owner, repo: repo.repo, pull_number: promoted.pull!.number });
  const app = createWebhookApp({ ctx: h.ctx(), secret: SECRET, metrics });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await h?.stop();
});

function payload(overrides: Record<string, unknown> = {}) {
  const alert = {
    status: 'firing',
    labels: {
      alertname: 'TitanicHighErrorRatio',
      env: 'prod',
      severity: 'critical',
      rollback: 'true',
      model_version: V.good,
    },
    annotations: { summary: '5xx ratio 4.2% over 5m in prod' },
    // Recent, as Alertmanager sends it (nanoseconds included).
    startsAt: new Date(h.clock.getTime() - 10 * 60_000).toISOString().replace('Z', '123456Z'),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.titanic-prod.svc:9090/graph?g0.expr=x',
    fingerprint: 'a1b2c3d4e5f60718',
  };
  return webhookPayload([alert], {
    groupKey: '{}:{alertname="TitanicHighErrorRatio"}',
    commonAnnotations: alert.annotations,
    externalURL: 'http://alertmanager.titanic-prod.svc:9093',
    ...overrides,
  });
}

const post = (body: unknown, secret = SECRET) =>
  fetch(`${url}/hooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const rollbackPulls = () => h.github.pulls.pulls.filter((p) => p.labels.includes('rollback'));

describe('POST /hooks/alertmanager', () => {
  it('rejects a wrong secret with 401 and opens nothing', async () => {
    const res = await post(payload(), 'not-the-secret');
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain(SECRET);
    expect(rollbackPulls()).toHaveLength(0);
  });

  it('rejects a malformed payload with 400 naming the field, and opens nothing', async () => {
    const res = await post({ ...payload(), version: '3', alerts: [{ status: 'firing' }] });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { details: Array<{ path: string }> };
    expect(body.details.map((d) => d.path)).toEqual(expect.arrayContaining(['version', 'alerts.0.labels']));
    expect((await post('{not json')).status).toBe(400);
    expect(rollbackPulls()).toHaveLength(0);
  });

  it('opens a rollback PR with a hold for a firing rollback alert and comments the summary', async () => {
    const res = await post(payload());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: Array<{ env: string; result: string; pull: number }> };
    expect(body.results).toEqual([{ env: 'prod', result: 'opened', pull: expect.any(Number) }]);
    const [pull] = rollbackPulls();
    expect(pull!.title).toBe(`Revert "promote(prod): titanic ${V.good}, image 1.1.0"`);
    expect(pull!.body).toContain('records a hold');
    const comments = h.github.pulls.comments.filter((c) => c.issue === pull!.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(code('5xx ratio 4.2% over 5m in prod'));
  });

  it('a duplicate delivery reuses the PR and does not comment twice', async () => {
    const res = await post(payload());
    expect(((await res.json()) as { results: Array<{ result: string }> }).results[0]!.result).toBe('reused');
    expect(rollbackPulls()).toHaveLength(1);
    expect(h.github.pulls.comments.filter((c) => c.issue === rollbackPulls()[0]!.number)).toHaveLength(1);
  });

  it('ignores resolved alerts and alerts without rollback="true"', async () => {
    const resolved = payload({ status: 'resolved' });
    (resolved.alerts[0] as { status: string }).status = 'resolved';
    const res = await post(resolved);
    expect(((await res.json()) as { results: unknown[] }).results).toEqual([]);
  });

  it('exposes its own Prometheus metrics', async () => {
    // Served on the metrics port by `serve`; the webhook port has no /metrics.
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    const text = await metrics.registry.metrics();
    expect(text).toContain('promoter_webhook_requests_total{outcome="unauthorized"} 1');
    expect(text).toContain('promoter_webhook_requests_total{outcome="malformed"} 2');
    expect(text).toContain('promoter_rollbacks_total{env="prod",result="opened"} 1');
    expect(text).toContain('promoter_rollbacks_total{env="prod",result="reused"} 1');
    expect(h.github.violations).toEqual([]);
  });
});

describe('from the real Alertmanager', () => {
  it('delivers a version 4 payload with the bearer credentials file, and the alert lands on the rollback PR', async () => {
    const am = await Alertmanager.start(`${url}/hooks/alertmanager`, SECRET);
    try {
      await am.fire(
        {
          alertname: 'TitanicPredictionShift',
          env: 'prod',
          severity: 'critical',
          rollback: 'true',
          model_version: V.good,
        },
        { summary: 'served positive rate 0.71 vs 0.38 in training' },
      );
      const pull = rollbackPulls()[0]!;
      const deadline = Date.now() + 30_000;
      let comment: string | undefined;
      while (!comment && Date.now() < deadline) {
        comment = h.github.pulls.comments.find(
          (c) => c.issue === pull.number && c.body.includes('TitanicPredictionShift'),
        )?.body;
        if (!comment) await new Promise((r) => setTimeout(r, 200));
      }
      expect(comment).toContain(code('served positive rate 0.71 vs 0.38 in training'));
      expect(rollbackPulls()).toHaveLength(1);
    } finally {
      await am.stop();
    }
  });
});
