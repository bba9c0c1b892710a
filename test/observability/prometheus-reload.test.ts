import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertRules } from '@titanic/platform/charts/prometheus/alert-rules.ts';
import { PrometheusChart } from '@titanic/platform/charts/prometheus/chart.ts';
import { prometheusConfig } from '@titanic/platform/charts/prometheus/config.ts';
import { loadEnvironment } from '@titanic/platform/environments/load.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { App } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freePorts, type RunningProcess, startProcess, waitFor } from './e2e/processes.ts';

const BUSYBOX = '/usr/bin/busybox';
// biome-ignore lint/suspicious/noExplicitAny: rendered manifests are arbitrary JSON.
type Json = any;

let env: Environment;
let dir: string;
let prometheus: RunningProcess | undefined;
let reloader: ChildProcess | undefined;

function render(rate: number): Json[] {
  const app = new App();
  return new PrometheusChart(app, 'p', {
    envName: env.name,
    namespace: env.namespace,
    monitoring: env.monitoring,
    modelVersion: env.model.version,
    trainingPositiveRate: rate,
  }).toJson();
}
const find = (objects: Json[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

beforeAll(async () => {
  if (!existsSync(BUSYBOX))
    throw new Error(`${BUSYBOX} is missing: install the Debian package busybox-static`);
  env = await loadEnvironment('dev');
  dir = await mkdtemp(join(tmpdir(), 'prometheus-reload-'));
});
afterAll(async () => {
  reloader?.kill('SIGKILL');
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('Prometheus applies a promotion without a restart', () => {
  it('a new model changes the rules ConfigMap but not the Prometheus pod template', () => {
    const [a, b] = [render(0.38), render(0.41)];
    expect(find(a, 'ConfigMap', 'prometheus-rules')).not.toEqual(find(b, 'ConfigMap', 'prometheus-rules'));
    expect(find(a, 'Deployment', 'prometheus')).toEqual(find(b, 'Deployment', 'prometheus'));
  });

  it('the reloader sidecar of the rendered pod makes the real Prometheus load changed rules in place', async () => {
    const pod = find(render(0.38), 'Deployment', 'prometheus').spec.template.spec;
    const server = pod.containers.find((c: Json) => c.name === 'prometheus');
    const sidecar = pod.containers.find((c: Json) => c.name === 'config-reloader');
    // The pod's paths, mapped onto this machine the way the volumes would be mounted.
    const mounts: Record<string, string> = {
      '/etc/prometheus/config': join(dir, 'config'),
      '/etc/prometheus/rules': join(dir, 'rules'),
      '/prometheus': join(dir, 'data'),
      '/tmp': join(dir, 'tmp'),
    };
    // One pass, whole path prefixes only (a value may be `--flag=/path` or a space-separated list).
    const prefixes = Object.keys(mounts)
      .sort((x, y) => y.length - x.length)
      .join('|');
    const remap = (text: string) =>
      text.replace(new RegExp(`(?<=^|=|\\s)(${prefixes})(?=/|$|\\s)`, 'g'), (m) => mounts[m]!);
    for (const path of Object.values(mounts)) await mkdir(path, { recursive: true });
    const [port] = await freePorts(1);
    // Debian's Prometheus has no Kubernetes discovery: the static variant of the same generator.
    const config = prometheusConfig({
      env: env.name,
      namespace: env.namespace,
      ruleFiles: ['/etc/prometheus/rules/*.yaml'].map(remap),
      static: { inference: [], alertmanager: [] },
    });
    await writeFile(join(mounts['/etc/prometheus/config']!, 'prometheus.yml'), stringify(config));
    const rules = (rate: number) => stringify(alertRules(env, { trainingPositiveRate: rate }));
    await writeFile(join(mounts['/etc/prometheus/rules']!, 'titanic.yaml'), rules(0.38));

    expect(server.args).toContain('--web.enable-lifecycle');
    prometheus = startProcess('/usr/bin/prometheus', [
      ...server.args.map(remap),
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    const base = `http://127.0.0.1:${port}`;
    const shiftExpr = async () => {
      const res = (await (await fetch(`${base}/api/v1/rules`)).json()) as Json;
      const rule = res.data.groups
        .flatMap((g: Json) => g.rules)
        .find((r: Json) => r.name === 'ModelPredictionShift');
      return rule?.query as string | undefined;
    };
    const before = await waitFor(
      'Prometheus to load the rules',
      async () => {
        if (prometheus?.exited()) throw new Error(`prometheus exited:\n${prometheus.logs()}`);
        return shiftExpr().catch(() => undefined);
      },
      20_000,
    );
    expect(before).toContain('0.38');

    const [shell, flag, script] = sidecar.command;
    expect([shell, flag]).toEqual(['/bin/sh', '-c']);
    const sidecarEnv = Object.fromEntries(sidecar.env.map((e: Json) => [e.name, remap(e.value)]));
    reloader = spawn(BUSYBOX, ['sh', '-c', script], {
      env: {
        ...sidecarEnv,
        // The pod's loopback port and a 1 s poll instead of the rendered 10 s.
        RELOAD_URL: sidecarEnv.RELOAD_URL.replace(/:\d+\//, `:${port}/`),
        INTERVAL_SECONDS: '1',
        PATH: `${join(dir, 'bin')}:/usr/bin:/bin`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // busybox applets by name, as in the busybox image.
    await mkdir(join(dir, 'bin'));
    for (const applet of ['sha256sum', 'wget', 'cat', 'sleep', 'touch'])
      await spawnWait('ln', ['-s', BUSYBOX, join(dir, 'bin', applet)]);
    let output = '';
    reloader.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
    });
    await new Promise((r) => setTimeout(r, 1500));

    // The kubelet refreshes the mounted ConfigMap: a promotion with a new training positive rate.
    await writeFile(join(mounts['/etc/prometheus/rules']!, 'titanic.yaml'), rules(0.41));
    const after = await waitFor(
      'the reloader to make Prometheus load the new rules',
      async () => {
        const q = await shiftExpr();
        return q?.includes('0.41') ? q : undefined;
      },
      20_000,
    );
    expect(after).not.toContain('0.38');
    expect(prometheus.exited()).toBe(false);
    expect(output).toContain('configuration changed: reloaded');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^prometheus_config_last_reload_successful 1$/m);
  });
});

function spawnWait(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) =>
    spawn(cmd, args).once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${code}`)))),
  );
}
