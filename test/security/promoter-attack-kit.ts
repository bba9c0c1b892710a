import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { createMetrics } from '@titanic/promoter/metrics.ts';
import { promote } from '@titanic/promoter/promote.ts';
import { webhookPayload } from '@titanic/promoter/test/support/alert-payload.ts';
import { type Harness, startHarness, V } from '@titanic/promoter/test/support/harness.ts';
import { createWebhookApp } from '@titanic/promoter/webhook.ts';
import type { EnvOutcome } from '@titanic/promoter/webhook-env.ts';

/** What every attack gets: a fresh fake GitHub over real git, a real registry and `serve`'s app. */
export interface Kit {
  readonly h: Harness;
  /** POSTs an Alertmanager delivery with the right secret (an authenticated sender is assumed). */
  deliver(
    alerts: Array<Record<string, unknown>>,
  ): Promise<{ status: number; headers: Headers; body: Delivery }>;
  /** A maintainer's Octokit (another login than the bot). */
  readonly human: Octokit;
  merge(pull: number, method?: 'merge' | 'squash'): Promise<string>;
  /** Promotes `env` (prod by default takes what staging runs) and merges the pull request. */
  promoteAndMerge(env: string, options?: { model?: string; allowRegression?: string }): Promise<string>;
  stop(): Promise<void>;
}

export interface Delivery {
  results: EnvOutcome[];
  ignored: string[];
  error?: string;
}

export const SECRET = 'attack-kit-webhook-secret-0123456789';

/** POSTs an Alertmanager delivery of `alerts` to a webhook URL with the shared secret. */
export async function postDelivery(url: string, alerts: Array<{ labels: Record<string, string> }>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    body: JSON.stringify(webhookPayload(alerts)),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Delivery };
}

export async function startKit(): Promise<Kit> {
  const h = await startHarness();
  const app = createWebhookApp({ ctx: h.ctx(), secret: SECRET, metrics: createMetrics() });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alertmanager`;
  const { owner, repo } = h.github.coordinates;
  const human = new Octokit({ auth: h.github.human.token, baseUrl: h.github.url });
  const bot = h.ctx().repo.client;
  const merge = async (pull: number, method: 'merge' | 'squash' = 'merge') =>
    (await bot.pulls.merge({ owner, repo, pull_number: pull, merge_method: method })).data.sha;
  return {
    h,
    human,
    merge,
    deliver: (alerts) => postDelivery(url, alerts as Array<{ labels: Record<string, string> }>),
    async promoteAndMerge(env, options = {}) {
      const r = await promote(h.ctx(), { env, ...options });
      if (!r.pull)
        throw new Error(`promotion of ${env} ${r.status}: ${r.gates.map((g) => g.detail).join('; ')}`);
      await merge(r.pull.number);
      return (await h.ctx().repo.branchSha(r.branch!))!;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await h.stop();
    },
  };
}

let fingerprint = 0x1000;

/** A firing alert as Alertmanager sends it: started a few minutes ago, not ended. */
export function alert(
  h: Harness,
  overrides: {
    env?: string;
    summary?: string;
    model?: string;
    startsAt?: string;
    endsAt?: string;
    generatorURL?: string;
    fingerprint?: string;
  } = {},
) {
  const env = overrides.env ?? 'prod';
  return {
    status: 'firing',
    labels: {
      alertname: 'TitanicHighErrorRatio',
      env,
      severity: 'critical',
      rollback: 'true',
      model_version: overrides.model ?? V.good,
    },
    annotations: { summary: overrides.summary ?? `5xx ratio above threshold in ${env}` },
    startsAt: overrides.startsAt ?? new Date(h.clock.getTime() - 5 * 60_000).toISOString(),
    endsAt: overrides.endsAt ?? '0001-01-01T00:00:00Z',
    generatorURL: overrides.generatorURL ?? `http://prometheus.titanic-${env}.svc:9090/graph?g0.expr=up`,
    fingerprint: overrides.fingerprint ?? (fingerprint++).toString(16).padStart(16, '0'),
  };
}

/**
 * Markdown as GitHub would act on it: inline `<code>` elements (entity-escaped content) are inert,
 * so they are cut out before looking for what renders (mentions, HTML, links, comments).
 */
export const outsideCode = (markdown: string) => markdown.replace(/<code>[^<]*<\/code>/g, '');
