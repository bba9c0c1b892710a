import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '@titanic/promoter/test/support/github/git-store.ts';
import { type Harness, startHarness } from '@titanic/promoter/test/support/harness.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../e2e/support/ports.ts';
import { type PromoterProcess, spawnPromoterServe } from '../e2e/support/promoter-process.ts';

// Drills on the real `promoter serve` process: hostile webhook calls get a 4xx and change nothing,
// and neither the webhook secret nor the GitHub token ever reaches its output.
const SECRET = `whs-${randomBytes(24).toString('hex')}`;
const WRONG_TOKEN = `ghp_${randomBytes(18).toString('hex')}`;

let h: Harness;
let dir: string;
let promoter: PromoterProcess;
let refsBefore: string;

let metricsUrl: string;

async function serveEnv(token: string): Promise<Record<string, string>> {
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  return {
    PORT: String(await freePort()),
    METRICS_PORT: String(metricsPort),
    GITHUB_TOKEN: token,
    GITHUB_REPOSITORY: `${h.github.coordinates.owner}/${h.github.coordinates.repo}`,
    GITHUB_API_URL: h.github.url,
    GITHUB_WRITE_PACING_MS: '0',
    REGISTRY_URL: h.registry.url,
    WEBHOOK_SECRET_FILE: join(dir, 'webhook-secret'),
  };
}

const refs = async () =>
  (await git(h.github.repoDir, ['for-each-ref', '--format=%(refname) %(objectname)'])).toString();

beforeAll(async () => {
  h = await startHarness();
  dir = await mkdtemp(join(tmpdir(), 'security-promoter-'));
  await writeFile(join(dir, 'webhook-secret'), `${SECRET}\n`, { mode: 0o600 });
  promoter = await spawnPromoterServe(await serveEnv(h.github.token));
  refsBefore = await refs();
});
afterAll(async () => {
  await promoter?.stop();
  await h?.stop();
  await rm(dir, { recursive: true, force: true });
});

function alertPayload(env: string) {
  const alert = {
    status: 'firing',
    labels: {
      alertname: 'ModelFeatureDrift',
      env,
      severity: 'critical',
      rollback: 'true',
      model_version: '2026.11.24-1',
    },
    annotations: { summary: 'PSI of age above 0.25' },
    startsAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint: 'f00dfeedf00dfeed',
  };
  return {
    version: '4',
    groupKey: '{}:{alertname="ModelFeatureDrift"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'promoter-rollback',
    groupLabels: { alertname: 'ModelFeatureDrift', env },
    commonLabels: alert.labels,
    commonAnnotations: alert.annotations,
    externalURL: 'http://alertmanager:9093',
    alerts: [alert],
  };
}

const hook = (init: RequestInit & { headers?: Record<string, string> } = {}, base = promoter.url) =>
  fetch(`${base}/hooks/alertmanager`, {
    method: 'POST',
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
const bearer = (s: string) => ({ authorization: `Bearer ${s}` });

describe('promoter serve under hostile webhook calls', () => {
  it('answers unauthenticated calls with 401, whatever the body', async () => {
    const body = JSON.stringify(alertPayload('prod'));
    const attempts: [string, Record<string, string>][] = [
      ['no Authorization', {}],
      [
        'Basic scheme',
        { authorization: `Basic ${Buffer.from(`alertmanager:${SECRET}`).toString('base64')}` },
      ],
      ['secret plus one character', bearer(`${SECRET}x`)],
      ['secret minus one character', bearer(SECRET.slice(0, -1))],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['secret in another header', { 'x-webhook-secret': SECRET }],
    ];
    for (const [what, headers] of attempts) {
      const res = await hook({ headers, body });
      expect(res.status, what).toBe(401);
      expect(await res.text(), what).not.toContain(SECRET);
    }
    // Unauthenticated and oversized: refused before the body is read.
    expect((await hook({ body: 'x'.repeat(4 * 1024 * 1024) })).status).toBe(401);
  });

  it('answers malformed and oversized deliveries with 4xx', async () => {
    const cases: [string, string | Buffer, number][] = [
      ['not JSON', '{"version": "4",', 400],
      ['JSON null', 'null', 400],
      ['JSON array', '[]', 400],
      ['wrong version', JSON.stringify({ ...alertPayload('prod'), version: '3' }), 400],
      ['no alerts', JSON.stringify({ ...alertPayload('prod'), alerts: [] }), 400],
      [
        'alert without labels',
        JSON.stringify({ ...alertPayload('prod'), alerts: [{ status: 'firing' }] }),
        400,
      ],
      ['deeply nested', `${'['.repeat(200_000)}${']'.repeat(200_000)}`, 400],
      ['binary', randomBytes(2048), 400],
    ];
    expect((await fetch(`${promoter.url}/hooks/alertmanager`, { headers: bearer(SECRET) })).status).toBe(405);
    expect(
      (await fetch(`${promoter.url}/hooks/other`, { method: 'POST', headers: bearer(SECRET) })).status,
    ).toBe(404);
    for (const [what, body, status] of cases) {
      const t0 = performance.now();
      const res = await hook({
        headers: bearer(SECRET),
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
      expect(res.status, what).toBe(status);
      expect(res.headers.get('content-type'), what).toMatch(/json/);
      expect(performance.now() - t0, `${what} answered slowly`).toBeLessThan(3000);
    }
    const alerts = Array.from({ length: 4000 }, (_, i) => ({
      ...alertPayload('prod').alerts[0]!,
      fingerprint: `${i}`,
      annotations: { summary: 'x'.repeat(500) },
    }));
    const oversized = await hook({
      headers: bearer(SECRET),
      body: JSON.stringify({ ...alertPayload('prod'), alerts }),
    });
    expect(oversized.status, '2 MB of alerts').toBe(413);
    expect(oversized.headers.get('connection'), 'the half-read connection is closed').toBe('close');
    // The client's next request (same keep-alive pool) is answered normally.
    expect((await hook({ headers: bearer(SECRET), body: '[]' })).status).toBe(400);
  });

  it('opened nothing: no pull request, no branch, no commit', async () => {
    expect(h.github.pulls.pulls).toEqual([]);
    expect(await refs()).toBe(refsBefore);
    expect(h.github.violations).toEqual([]);
    expect((await fetch(`${promoter.url}/metrics`)).status, 'metrics stay off the webhook port').toBe(404);
    const metrics = await (await fetch(metricsUrl)).text();
    expect(metrics).toMatch(/promoter_webhook_requests_total\{outcome="unauthorized"\} 7/);
    expect(metrics).not.toMatch(/promoter_rollbacks_total\{[^}]*result="opened"/);
  });

  it('ignores an alert for an unknown environment and reports nothing to roll back where there is nothing', async () => {
    const unknown = await hook({ headers: bearer(SECRET), body: JSON.stringify(alertPayload('qa')) });
    expect(unknown.status).toBe(200);
    expect(((await unknown.json()) as { ignored: string[] }).ignored[0]).toContain('qa');
    const dev = await hook({ headers: bearer(SECRET), body: JSON.stringify(alertPayload('dev')) });
    expect(dev.status).toBe(200);
    expect(((await dev.json()) as { results: { result: string }[] }).results).toEqual([
      expect.objectContaining({ env: 'dev', result: 'nothing_to_do' }),
    ]);
    expect(h.github.pulls.pulls).toEqual([]);
  });

  it('keeps the webhook secret and GitHub tokens out of its output, also when GitHub refuses the token', async () => {
    const refused = await spawnPromoterServe(await serveEnv(WRONG_TOKEN));
    try {
      const res = await hook(
        { headers: bearer(SECRET), body: JSON.stringify(alertPayload('prod')) },
        refused.url,
      );
      expect(res.status).toBeGreaterThanOrEqual(500);
      expect(await res.text()).not.toContain(WRONG_TOKEN);
    } finally {
      await refused.stop();
    }
    const output = `${promoter.output()}\n${refused.output()}`;
    expect(refused.output()).toMatch(/webhook failed/);
    for (const secret of [SECRET, WRONG_TOKEN, h.github.token, h.registry.password])
      expect(output.includes(secret), 'a secret appears in the promoter output').toBe(false);
  });

  it('refuses to start with a short secret, without echoing it', async () => {
    const weak = randomBytes(4).toString('hex');
    const env = await serveEnv(h.github.token);
    delete (env as Record<string, string | undefined>).WEBHOOK_SECRET_FILE;
    const message = await spawnPromoterServe({ ...env, WEBHOOK_SECRET: weak }).then(
      async (p) => {
        await p.stop();
        return 'started';
      },
      (err: Error) => err.message,
    );
    expect(message).toMatch(/WEBHOOK_SECRET is missing or shorter than 16 characters/);
    expect(message).not.toContain(weak);
  });
});
