import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@titanic/platform/environments/load.ts';
import { ENVIRONMENTS } from '@titanic/platform/environments/schema.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const run = promisify(execFile);
const AMTOOL = '/usr/bin/amtool';
let dir: string;

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are arbitrary JSON.
type Json = any;

/** The committed dist/<env>/prometheus.yaml: what Argo CD applies (synth --check keeps it current). */
async function rendered(env: string): Promise<{ alertmanager: string; rules: Json }> {
  const text = await readFile(join(REPO_ROOT, 'dist', env, 'prometheus.yaml'), 'utf8');
  const docs: Json[] = parseAllDocuments(text).map((d) => d.toJS());
  const cm = (name: string) => docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === name);
  return {
    alertmanager: cm('alertmanager-config').data['alertmanager.yml'],
    rules: parse(cm('prometheus-rules').data['titanic.yaml']),
  };
}

/** `amtool config routes test`: the receivers the real routing code picks for these labels. */
async function routes(configPath: string, labels: Record<string, string>): Promise<string> {
  const args = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  const { stdout } = await run(AMTOOL, ['config', 'routes', 'test', `--config.file=${configPath}`, ...args]);
  return stdout.trim();
}

beforeAll(async () => {
  if (!existsSync(AMTOOL)) throw new Error(`${AMTOOL} is missing: install prometheus-alertmanager`);
  dir = await mkdtemp(join(tmpdir(), 'alert-routing-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.each(ENVIRONMENTS)('the routing tree of %s', (env) => {
  it('pages a human for every alert rule, and also the promoter for rollback alerts', async () => {
    const { alertmanager, rules } = await rendered(env);
    const path = join(dir, `${env}.yml`);
    await writeFile(path, alertmanager);
    const { stdout } = await run(AMTOOL, ['check-config', path]);
    expect(stdout).toContain('SUCCESS');

    const alerts = rules.groups.flatMap((g: Json) => g.rules.filter((r: Json) => r.alert));
    expect(alerts.length).toBeGreaterThan(3);
    const rollbacks = alerts.filter((a: Json) => a.labels?.rollback === 'true');
    expect(rollbacks.length, 'no rule asks for a rollback').toBeGreaterThan(0);
    for (const rule of alerts) {
      const labels = { alertname: rule.alert, env, ...rule.labels };
      const expected = rule.labels?.rollback === 'true' ? 'promoter-rollback,pager' : 'pager';
      expect(await routes(path, labels), `${rule.alert} ${JSON.stringify(labels)}`).toBe(expected);
    }
  });

  it('pages a human for alerts no rule here defines (e.g. from a future rule file)', async () => {
    const path = join(dir, `${env}-other.yml`);
    await writeFile(path, (await rendered(env)).alertmanager);
    expect(await routes(path, { alertname: 'Watchdog', severity: 'none' })).toBe('pager');
    expect(await routes(path, { alertname: 'Anything', rollback: 'false' })).toBe('pager');
    expect(await routes(path, { alertname: 'Anything', rollback: 'true' })).toBe('promoter-rollback,pager');
  });

  it('reads every secret part from a mounted file, never from the configuration', async () => {
    const config = parse((await rendered(env)).alertmanager);
    const pager = config.receivers.find((r: Json) => r.name === 'pager');
    const integrations = Object.entries(pager).filter(([k]) => k.endsWith('_configs'));
    expect(integrations).toHaveLength(1);
    const [kind, [integration]] = integrations[0] as [string, Json[]];
    const files = Object.entries(integration).filter(([k]) => k.endsWith('_file'));
    const bearer = integration.http_config?.authorization?.credentials_file;
    expect(files.length + (bearer ? 1 : 0), `${kind} has no *_file secret`).toBe(1);
    for (const key of ['api_url', 'routing_key', 'service_key', 'auth_password'])
      expect(integration[key], `${kind}.${key} inline`).toBeUndefined();
  });
});
