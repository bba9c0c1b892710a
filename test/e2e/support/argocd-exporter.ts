import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROJECT, REPO_URL } from '@titanic/platform/charts/constants.ts';
import { argocdApplication } from '@titanic/platform/charts/promoter/deployment.ts';
import { Gauge, Registry } from 'prom-client';

/**
 * The labels of `argocd_app_info` in the order Argo CD's application controller declares them
 * (controller/metrics/metrics.go: descAppDefaultLabels + autosync_enabled, repo, dest_server,
 * dest_namespace, sync_status, health_status, operation). There is no revision label.
 */
export const ARGOCD_APP_INFO_LABELS = [
  'namespace',
  'name',
  'project',
  'autosync_enabled',
  'repo',
  'dest_server',
  'dest_namespace',
  'sync_status',
  'health_status',
  'operation',
] as const;

export interface AppState {
  sync: 'Synced' | 'OutOfSync' | 'Unknown';
  health: 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';
  /** "sync" while a sync operation runs, "" otherwise (Argo CD's values). */
  operation: '' | 'sync' | 'delete';
}

/**
 * A stand-in for the application controller's metrics endpoint (argocd-metrics:8082/metrics) that
 * exports one Application's `argocd_app_info` exactly as Argo CD names and labels it; the test
 * moves its state the way a sync would.
 */
export class ArgoCdExporter {
  private constructor(
    private readonly server: Server,
    private readonly gauge: Gauge<(typeof ARGOCD_APP_INFO_LABELS)[number]>,
    private readonly fixed: { name: string; dest_namespace: string },
  ) {}

  static async start(env: string, namespace: string, initial: AppState): Promise<ArgoCdExporter> {
    const registry = new Registry();
    const gauge = new Gauge({
      name: 'argocd_app_info',
      help: 'Information about application.',
      labelNames: ARGOCD_APP_INFO_LABELS,
      registers: [registry],
    });
    const server = createServer(async (req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const exporter = new ArgoCdExporter(server, gauge, {
      name: argocdApplication(env),
      dest_namespace: namespace,
    });
    exporter.set(initial);
    return exporter;
  }

  get target(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Replaces the Application's series (Argo CD exports one per Application, with its current state). */
  set(state: AppState): void {
    this.gauge.reset();
    this.gauge.set(
      {
        namespace: 'argocd',
        name: this.fixed.name,
        project: PROJECT,
        autosync_enabled: 'true',
        // git.NormalizeGitURL: lower-cased, without ".git".
        repo: REPO_URL.toLowerCase().replace(/\.git$/, ''),
        dest_server: 'https://kubernetes.default.svc',
        dest_namespace: this.fixed.dest_namespace,
        sync_status: state.sync,
        health_status: state.health,
        operation: state.operation,
      },
      1,
    );
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
