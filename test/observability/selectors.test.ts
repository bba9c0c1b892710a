import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningInference } from '@titanic/inference/start.ts';
import { JOBS } from '@titanic/platform/charts/prometheus/alert-rules/selectors.ts';
import { alertRules } from '@titanic/platform/charts/prometheus/alert-rules.ts';
import { loadEnvironment } from '@titanic/platform/environments/load.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandGrafanaVariables, panelQueries } from './dashboard-queries.ts';
import { type MonitoringStack, startMonitoringStack } from './e2e/monitoring-stack.ts';
import { type ObservedInference, startObservedInference } from './e2e/observed-inference.ts';
import { waitFor } from './e2e/processes.ts';
import { trainingPassengers } from './e2e/traffic.ts';
import { type Matcher, type Selector, selectorsOf, selectorWith } from './promql-selectors.ts';

/** Targets that do not run here: their selectors are listed, not proven (see the README table). */
const ELSEWHERE = new Set<string>([JOBS.postgres, JOBS.argocd]);

let env: Environment;
let dir: string;
let observed: ObservedInference;
let inference: RunningInference;
let stack: MonitoringStack;

beforeAll(async () => {
  env = await loadEnvironment('dev');
  dir = await mkdtemp(join(tmpdir(), 'selectors-'));
  observed = await startObservedInference(env, 20);
  inference = observed.inference;
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, 'selectors-token', { mode: 0o600 });
  stack = await startMonitoringStack({
    dir,
    env,
    inference: new URL(inference.url).host,
    webhookUrl: 'http://127.0.0.1:9/hooks/alertmanager',
    credentialsFile: tokenFile,
    trainingPositiveRate: observed.trainingPositiveRate,
  });
});

afterAll(async () => {
  await stack?.stop();
  await observed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function post(path: string, body: unknown): Promise<number> {
  const res = await fetch(`${inference.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Series Prometheus holds for a selector (what it scraped from the real server's /metrics). */
async function seriesCount(selector: string): Promise<number> {
  const url = `${stack.api.baseUrl}/api/v1/series?match[]=${encodeURIComponent(selector)}`;
  const res = (await (await fetch(url)).json()) as { status: string; data?: unknown[]; error?: string };
  if (res.status !== 'success') throw new Error(`${selector}: ${res.error}`);
  return res.data!.length;
}

/** Top-level alternatives of a regex: `a|b(c|d)` → [a, b(c|d)], so each branch must match alone. */
function alternatives(regex: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < regex.length; i++) {
    const c = regex[i];
    if (c === '\\') i++;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '|' && depth === 0) {
      out.push(regex.slice(start, i));
      start = i + 1;
    }
  }
  return [...out, regex.slice(start)];
}

/** One check per matcher (and per branch of a positive regex), each with the metric name alone. */
function checks(selector: Selector): { query: string; matcher: Matcher }[] {
  const metric = selector.metric!;
  return selector.matchers.flatMap((m) =>
    m.op === '=~'
      ? alternatives(m.value).map((alt) => ({
          query: selectorWith(metric, [{ ...m, value: alt }]),
          matcher: m,
        }))
      : [{ query: selectorWith(metric, [m]), matcher: m }],
  );
}

describe('metric selectors match what the server emits', () => {
  it('every label matcher of every rule and dashboard query selects a real series', async () => {
    // Every route the rules and dashboards select, answered by the real server.
    const passengers = (await trainingPassengers()).slice(0, 30);
    expect(await post('/v1/predict', { passengers })).toBe(200);
    expect(await post('/v1/predict', { passengers: [{ pclass: 9 }] })).toBe(400);
    const meta = (await (await fetch(`${inference.url}/v2/models/titanic`)).json()) as {
      inputs: { name: string; shape: number[] }[];
    };
    const [input] = meta.inputs;
    const width = input!.shape[1]!;
    const infer = {
      inputs: [{ name: input!.name, datatype: 'FP32', shape: [1, width], data: Array(width).fill(0) }],
    };
    expect(await post('/v2/models/titanic/infer', infer)).toBe(200);
    expect(await post(`/v2/models/titanic/versions/${inference.modelVersion}/infer`, infer)).toBe(200);
    await waitFor(
      'Prometheus to scrape the v2 request',
      async () => (await seriesCount('http_requests_total{route=~"/v2/.*infer"}')) >= 2 || undefined,
      20_000,
    );

    const vars = { env: env.name, rateInterval: '15s' };
    const queries = [
      ...alertRules(env, { trainingPositiveRate: 0.38 }).groups.flatMap((g) =>
        g.rules.map((r) => ({ where: `rule ${r.alert}`, expr: r.expr })),
      ),
      ...panelQueries().map((q) => ({
        where: `${q.dashboard} / ${q.panel}`,
        expr: expandGrafanaVariables(q.expr, vars),
      })),
    ];
    const missing: string[] = [];
    const elsewhere = new Set<string>();
    let proven = 0;
    for (const { where, expr } of queries) {
      for (const selector of selectorsOf(expr)) {
        expect(selector.metric, `${where}: ${selector.text} has no metric name`).toBeDefined();
        const job = selector.matchers.find((m) => m.label === 'job' && m.op === '=')?.value;
        if ((job && ELSEWHERE.has(job)) || /^(argocd_|pg_)/.test(selector.metric!)) {
          elsewhere.add(selector.metric!);
          continue;
        }
        if ((await seriesCount(selector.metric!)) === 0) {
          missing.push(`${where}: no series named ${selector.metric}`);
          continue;
        }
        for (const { query, matcher } of checks(selector)) {
          // A healthy server answers no 5xx, so a 5xx class matcher is checked on the label only.
          if (matcher.label === 'status' && /^5/.test(matcher.value)) {
            if ((await seriesCount(`${selector.metric}{status=~".+"}`)) === 0)
              missing.push(`${where}: ${selector.metric} has no status label`);
            continue;
          }
          if ((await seriesCount(query)) === 0) missing.push(`${where}: ${query} selects nothing`);
          else proven += 1;
        }
      }
    }
    console.log(
      `${proven} matchers proven on scraped series; not running here: ${[...elsewhere].sort().join(', ')}`,
    );
    expect(missing).toEqual([]);
    expect(proven).toBeGreaterThan(40);
    // Only the exporter and Argo CD selectors are left to a cluster, and they are few.
    expect([...elsewhere].filter((m) => !/^(pg_|argocd_)/.test(m))).toEqual([]);
  });
});
