import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  alertmanagerConfig,
  promoterWebhookUrl,
} from '../../../src/charts/prometheus/alertmanager-config.ts';
import { durationSeconds, prometheusConfig } from '../../../src/charts/prometheus/config.ts';
import { find, type Json } from '../render.ts';

const run = promisify(execFile);
const PROMTOOL = '/usr/bin/promtool';
const AMTOOL = '/usr/bin/amtool';
let dir: string;

beforeAll(async () => {
  // The real tools are part of the test environment (.ci/run installs them): fail, never skip.
  for (const tool of [PROMTOOL, AMTOOL])
    if (!existsSync(tool))
      throw new Error(`${tool} is missing: install prometheus and prometheus-alertmanager`);
  dir = await mkdtemp(join(tmpdir(), 'titanic-prom-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Prometheus configuration', () => {
  it('the rendered prometheus.yml and rule file pass promtool', async () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const config = (await find(env, 'ConfigMap', 'prometheus-config')).data['prometheus.yml'] as string;
      const rules = (await find(env, 'ConfigMap', 'prometheus-rules')).data['titanic.yaml'] as string;
      const rulesPath = join(dir, `${env}-rules.yaml`);
      await writeFile(rulesPath, rules);
      // Debian's Prometheus is built without Kubernetes discovery, so promtool cannot parse
      // kubernetes_sd_configs: check its shape here and let promtool check everything else
      // (globals, relabelling, alerting, rules) with a static stand-in.
      const parsed = parse(config);
      for (const job of parsed.scrape_configs) {
        if (!job.kubernetes_sd_configs) continue;
        expect(job.kubernetes_sd_configs).toEqual([
          { role: 'pod', namespaces: { names: [`titanic-${env}`] } },
        ]);
        delete job.kubernetes_sd_configs;
        job.static_configs = [{ targets: ['127.0.0.1:1'] }];
      }
      const local = { ...parsed, rule_files: [rulesPath] };
      const configPath = join(dir, `${env}-prometheus.yml`);
      await writeFile(configPath, stringify(local));
      const { stdout } = await run(PROMTOOL, ['check', 'config', configPath]);
      expect(stdout).toContain('SUCCESS');
    }
  });

  it('the static variant keeps the job names and env label with loopback targets', async () => {
    const config = prometheusConfig({
      env: 'dev',
      namespace: 'titanic-dev',
      ruleFiles: [],
      scrapeInterval: '1s',
      evaluationInterval: '1s',
      static: {
        inference: ['127.0.0.1:1234'],
        postgresExporter: ['127.0.0.1:9187'],
        alertmanager: ['127.0.0.1:9093'],
      },
    });
    expect(config.scrape_configs.map((j) => j.job_name)).toEqual(['inference', 'postgres']);
    expect(config.scrape_configs[0]?.static_configs).toEqual([
      { targets: ['127.0.0.1:1234'], labels: { env: 'dev' } },
    ]);
    expect(config.global.scrape_timeout).toBe('1s');
    expect(config.alerting.alertmanagers[0]?.static_configs[0]?.targets).toEqual(['127.0.0.1:9093']);
    const path = join(dir, 'static.yml');
    await writeFile(path, stringify(config));
    const { stdout } = await run(PROMTOOL, ['check', 'config', path]);
    expect(stdout).toContain('SUCCESS');
  });

  it('parses durations and rejects garbage', () => {
    expect(durationSeconds('1m30s')).toBe(90);
    expect(durationSeconds('500ms')).toBe(0.5);
    expect(() => durationSeconds('ten')).toThrow('invalid duration "ten"');
  });
});

describe('Alertmanager configuration', () => {
  it('the rendered alertmanager.yml passes amtool and routes rollback="true" to the promoter', async () => {
    const text = (await find('prod', 'ConfigMap', 'alertmanager-config')).data['alertmanager.yml'] as string;
    const config = parse(text);
    expect(config.route.group_by).toEqual(['env', 'alertname']);
    expect(config.route.routes[0]).toMatchObject({
      receiver: 'promoter-rollback',
      matchers: ['rollback="true"'],
    });
    const hook = config.receivers.find((r: Json) => r.name === 'promoter-rollback').webhook_configs[0];
    expect(hook.url).toBe('http://promoter.titanic-prod.svc:8090/hooks/alertmanager');
    expect(hook.http_config.authorization).toEqual({
      type: 'Bearer',
      credentials_file: '/etc/alertmanager/secrets/token',
    });

    const tokenPath = join(dir, 'token');
    await writeFile(tokenPath, 'test-token\n');
    const local = alertmanagerConfig({
      namespace: 'titanic-prod',
      credentialsFile: tokenPath,
      pager: { pagerduty: {}, secret: { secretName: 'alertmanager-pager', key: 'routing-key' } },
      pagerSecretFile: tokenPath,
      groupWait: '1s',
    });
    const path = join(dir, 'alertmanager.yml');
    await writeFile(path, stringify(local));
    const { stdout } = await run(AMTOOL, ['check-config', path]);
    expect(stdout).toContain('SUCCESS');
    expect(promoterWebhookUrl('x')).toBe('http://promoter.x.svc:8090/hooks/alertmanager');
  });
});
