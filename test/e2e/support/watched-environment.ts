import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelMetadataSchema, type Passenger } from '@titanic/features';
import { loadEnvironment } from '@titanic/platform/environments/load.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { PrometheusClient } from '@titanic/promoter/prometheus.ts';
import type { WorkingCopy } from '@titanic/promoter/test/support/fixture-repo.ts';
import { type MonitoringStack, startMonitoringStack } from '../../observability/e2e/monitoring-stack.ts';
import { waitFor } from '../../observability/e2e/processes.ts';
import { predict } from '../../observability/e2e/traffic.ts';
import { ArgoCdExporter } from './argocd-exporter.ts';
import type { Deployer } from './deployer.ts';
import { deployerWithDatabase } from './deployer-setup.ts';
import { PgUpExporter } from './pg-up-exporter.ts';
import type { Cleanups } from './scenario.ts';

/**
 * One environment as its namespace runs it, on loopback: the inference pod (the deployer, writing
 * to a PostgreSQL schema of its own), Argo CD's `argocd_app_info` for its Application, pg_up, and
 * its own Prometheus and Alertmanager with the generated rules, every series labelled
 * env="<name>" as in the cluster.
 */
export interface WatchedEnvironment {
  readonly name: string;
  readonly deployer: Deployer;
  readonly argocd: ArgoCdExporter;
  readonly monitoring: MonitoringStack;
  /** The environment's Prometheus, as the promoter reads it. */
  readonly prometheus: PrometheusClient;
  /** Sends passengers to the serving pod with the environment's API key; every request must succeed. */
  predict(passengers: readonly Passenger[]): Promise<void>;
  /**
   * Argo CD after a merge: OutOfSync until `checkout` has pulled main, then applying its
   * dist/<env> (Synced, Progressing) while the pod is replaced. The rollout stays Progressing
   * until `healthy()`.
   */
  sync(checkout: WorkingCopy): Promise<void>;
  /** Argo CD reports the rollout done: Synced and Healthy, no operation running. */
  healthy(): void;
}

/**
 * Starts each environment from dist/<env> of `checkout` (Synced and Healthy), then the monitoring
 * of all of them at once; resolves once every Prometheus has its Application's `argocd_app_info`
 * and pg_up. Whatever it starts is registered in `cleanups`.
 */
export async function startWatchedEnvironments(o: {
  readonly envs: readonly string[];
  readonly checkout: string;
  /** A folder of the scenario; each environment's Prometheus and Alertmanager keep their data below it. */
  readonly dir: string;
  readonly psiWindow: number;
  /** Alertmanager's rollback webhook. */
  readonly webhookUrl: string;
  readonly cleanups: Cleanups;
}): Promise<Record<string, WatchedEnvironment>> {
  // Pods first, one at a time: each binds the port it chose before the next one chooses.
  const pods = [];
  for (const name of o.envs) pods.push(await startPod(name, o.checkout, o.psiWindow, o.cleanups));
  const watched = await Promise.all(pods.map((pod) => watch(pod, o)));
  return Object.fromEntries(watched.map((w) => [w.name, w]));
}

interface Pod {
  readonly env: Environment;
  readonly deployer: Deployer;
  readonly port: number;
  readonly apiKey: string;
  readonly argocd: ArgoCdExporter;
  readonly pgUp: PgUpExporter;
  readonly trainingPositiveRate: number;
}

async function startPod(name: string, checkout: string, psiWindow: number, cleanups: Cleanups): Promise<Pod> {
  const env = await loadEnvironment(name, { root: checkout });
  const apiKey = randomBytes(24).toString('hex');
  const { deployer, schema, port } = await deployerWithDatabase(name, psiWindow, cleanups, {
    'inference-api-keys/keys': apiKey,
  });
  const argocd = await ArgoCdExporter.start(name, env.namespace, {
    sync: 'Synced',
    health: 'Healthy',
    operation: '',
  });
  cleanups.push(() => argocd.stop());
  const pgUp = await PgUpExporter.start(schema.pool);
  cleanups.push(() => pgUp.stop());
  const { plan } = await deployer.deploy(checkout);
  const meta = modelMetadataSchema.parse(
    JSON.parse(await readFile(join(checkout, 'models/titanic', plan.modelVersion, 'model.json'), 'utf8')),
  );
  return { env, deployer, port, apiKey, argocd, pgUp, trainingPositiveRate: meta.trainingPositiveRate };
}

async function watch(
  pod: Pod,
  o: { readonly dir: string; readonly webhookUrl: string; readonly cleanups: Cleanups },
): Promise<WatchedEnvironment> {
  const { env, deployer, argocd, apiKey } = pod;
  const dir = join(o.dir, env.name);
  await mkdir(dir, { recursive: true });
  const credentialsFile = join(dir, 'token');
  await writeFile(credentialsFile, randomBytes(16).toString('hex'), { mode: 0o600 });
  const monitoring = await startMonitoringStack({
    dir,
    env,
    inference: `127.0.0.1:${pod.port}`,
    webhookUrl: o.webhookUrl,
    credentialsFile,
    trainingPositiveRate: pod.trainingPositiveRate,
    argocd: argocd.target,
    postgresExporter: pod.pgUp.target,
  });
  o.cleanups.push(() => monitoring.stop());
  await waitFor(
    `argocd_app_info and pg_up in the Prometheus of ${env.name}`,
    async () =>
      ((await monitoring.api.query('argocd_app_info')).data?.result.length ?? 0) > 0 &&
      ((await monitoring.api.query('pg_up == 1')).data?.result.length ?? 0) > 0
        ? true
        : undefined,
    15_000,
  );
  return {
    name: env.name,
    deployer,
    argocd,
    monitoring,
    prometheus: new PrometheusClient(monitoring.api.baseUrl),
    predict: (passengers) => predict(deployer.process.url, passengers, 100, { 'x-api-key': apiKey }),
    async sync(checkout) {
      argocd.set({ sync: 'OutOfSync', health: 'Healthy', operation: '' });
      await checkout.pull();
      argocd.set({ sync: 'Synced', health: 'Progressing', operation: 'sync' });
      await deployer.deploy(checkout.dir);
    },
    healthy: () => argocd.set({ sync: 'Synced', health: 'Healthy', operation: '' }),
  };
}
