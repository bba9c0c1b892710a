import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { alertRules } from '@titanic/platform/charts/prometheus/alert-rules.ts';
import { alertmanagerConfig } from '@titanic/platform/charts/prometheus/alertmanager-config.ts';
import { prometheusConfig } from '@titanic/platform/charts/prometheus/config.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { stringify } from 'yaml';
import { type PagerSink, startPagerSink } from './pager-sink.ts';
import { type RunningProcess, startOnFreePort, waitFor } from './processes.ts';
import { PrometheusApi } from './prometheus-api.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

export interface MonitoringStack {
  readonly api: PrometheusApi;
  readonly prometheus: RunningProcess;
  readonly alertmanager: RunningProcess;
  /** The human receiver: every alert the environment's routing tree pages lands here. */
  readonly pager: PagerSink;
  stop(): Promise<void>;
}

/**
 * A real Alertmanager and Prometheus configured by the same generators as the cluster, with
 * loopback targets and 1 s intervals (`for: 3s`) so alerts fire within seconds. Resolves once
 * Prometheus scrapes the inference target.
 */
export async function startMonitoringStack(options: {
  readonly dir: string;
  readonly env: Environment;
  /** host:port of the inference service. */
  readonly inference: string;
  /** The webhook Alertmanager posts rollback alerts to, and the bearer token file it sends. */
  readonly webhookUrl: string;
  readonly credentialsFile: string;
  readonly trainingPositiveRate: number;
  /** host:port of Argo CD's application controller metrics (or a stand-in), when scraped. */
  readonly argocd?: string;
  /** host:port of postgres_exporter (or a stand-in reporting pg_up), when scraped. */
  readonly postgresExporter?: string;
}): Promise<MonitoringStack> {
  const { dir, env } = options;
  const pager = await startPagerSink();
  // The environment's routing tree with its human receiver swapped for a local webhook.
  await writeFile(
    join(dir, 'alertmanager.yml'),
    stringify(
      alertmanagerConfig({
        namespace: env.namespace,
        promoterUrl: options.webhookUrl,
        credentialsFile: options.credentialsFile,
        pager: { webhook: { url: pager.url }, secret: env.monitoring.pager.secret },
        pagerSecretFile: options.credentialsFile,
        groupWait: '1s',
        groupInterval: '1s',
        repeatInterval: '1h',
      }),
    ),
  );
  const am = await startOnFreePort(
    ALERTMANAGER,
    (port) => [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    '/-/ready',
  );
  const rules = join(dir, 'rules.yaml');
  await writeFile(
    rules,
    stringify(
      alertRules(env, {
        forOverride: '3s',
        evaluationInterval: '1s',
        trainingPositiveRate: options.trainingPositiveRate,
      }),
    ),
  );
  const config = prometheusConfig({
    env: env.name,
    namespace: env.namespace,
    ruleFiles: [rules],
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    static: {
      inference: [options.inference],
      alertmanager: [`127.0.0.1:${am.port}`],
      ...(options.argocd ? { argocd: [options.argocd] } : {}),
      ...(options.postgresExporter ? { postgresExporter: [options.postgresExporter] } : {}),
    },
  });
  await writeFile(join(dir, 'prometheus.yml'), stringify(config));
  let prom: Awaited<ReturnType<typeof startOnFreePort>>;
  try {
    prom = await startOnFreePort(
      PROMETHEUS,
      (port) => [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'prometheus-data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      '/-/ready',
    );
  } catch (err) {
    await Promise.allSettled([am.proc.stop(), pager.stop()]);
    throw err;
  }
  const stack: MonitoringStack = {
    api: new PrometheusApi(`http://127.0.0.1:${prom.port}`),
    prometheus: prom.proc,
    alertmanager: am.proc,
    pager,
    async stop() {
      await Promise.allSettled([prom.proc.stop(), am.proc.stop(), pager.stop()]);
    },
  };
  try {
    await waitFor(
      'Prometheus to scrape the inference target',
      async () => (await stack.api.targetsUp()) >= 1 || undefined,
      15_000,
    );
  } catch (err) {
    await stack.stop();
    throw err;
  }
  return stack;
}
