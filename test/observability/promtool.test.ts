import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AlertRulesOptions, alertRules } from '@titanic/platform/charts/prometheus/alert-rules.ts';
import { type PrometheusConfig, prometheusConfig } from '@titanic/platform/charts/prometheus/config.ts';
import { loadEnvironments } from '@titanic/platform/environments/load.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { promtool } from './promtool.ts';
import { promtoolTests } from './promtool-tests.ts';

// The unit tests pin the baseline so they exercise the rule logic, not whichever model is trained.
const OPTIONS: AlertRulesOptions = { trainingPositiveRate: 0.37 };
let envs: Environment[];
let dir: string;

beforeAll(async () => {
  envs = await loadEnvironments();
  dir = await mkdtemp(join(tmpdir(), 'alert-rules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeRules(env: Environment): Promise<string> {
  const file = join(dir, `${env.name}-rules.yaml`);
  await writeFile(file, stringify(alertRules(env, OPTIONS), { lineWidth: 0 }));
  return file;
}

/**
 * Debian builds Prometheus without Kubernetes service discovery, so its promtool rejects
 * `kubernetes_sd_configs`. The block is checked here against what it must say (pods of the
 * environment's namespace only) and swapped for an equivalent file discovery, so promtool still
 * checks every other key, including the relabelling that Kubernetes discovery feeds.
 */
function forDebianPromtool(config: PrometheusConfig, env: Environment, emptyTargets: string): unknown {
  return {
    ...config,
    scrape_configs: config.scrape_configs.map(({ kubernetes_sd_configs, ...job }) => {
      if (kubernetes_sd_configs === undefined) return job;
      expect(kubernetes_sd_configs, job.job_name).toEqual([
        { role: 'pod', namespaces: { names: [env.namespace] } },
      ]);
      return { ...job, file_sd_configs: [{ files: [emptyTargets] }] };
    }),
  };
}

describe('generated Prometheus configuration and rules', () => {
  it('pass promtool check config in every environment', async () => {
    for (const env of envs) {
      const rules = await writeRules(env);
      const file = join(dir, `${env.name}-prometheus.yaml`);
      const targets = join(dir, 'no-targets.json');
      await writeFile(targets, '[]');
      const config = prometheusConfig({ env: env.name, namespace: env.namespace, ruleFiles: [rules] });
      await writeFile(file, stringify(forDebianPromtool(config, env, targets)));
      const out = await promtool('check', 'config', file);
      expect(out).toContain(`SUCCESS: ${file} is valid prometheus config file syntax`);
      expect(out).toMatch(/SUCCESS: 10 rules found/);
    }
  });

  it('pass promtool check rules and the generated promtool unit tests in every environment', async () => {
    for (const env of envs) {
      const rules = await writeRules(env);
      const tests = join(dir, `${env.name}-tests.yaml`);
      await writeFile(tests, stringify(promtoolTests(env, rules, OPTIONS), { lineWidth: 0 }));
      expect(await promtool('check', 'rules', rules)).toMatch(/SUCCESS: 10 rules found/);
      const out = await promtool('test', 'rules', tests);
      expect(out).toMatch(/SUCCESS/);
      expect(out).not.toMatch(/FAILED/);
    }
  });
});
