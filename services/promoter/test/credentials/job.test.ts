import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { REPO_ROOT } from '@titanic/features/checkout';
import { Secret } from 'kubernetes-models/v1/Secret';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/credentials/main.ts';
import { findRendered, type Json } from '../support/rendered.ts';

/**
 * No API server runs here: a stand-in keeps Secrets in memory, answers like the API server
 * (201 Created, 409 AlreadyExists, 404 NotFound as metav1.Status) and validates every Secret it
 * receives against the Kubernetes 1.28 schema (kubernetes-models). The generator talks to it
 * through the real @kubernetes/client-node.
 */
class FakeApiServer {
  readonly secrets = new Map<string, Record<string, string>>();
  readonly calls: string[] = [];
  private constructor(private readonly server: Server) {}

  static async start(namespace: string): Promise<FakeApiServer> {
    const server = createServer();
    const fake = new FakeApiServer(server);
    const status = (code: number, reason: string, message: string) => ({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message,
      reason,
      code,
    });
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const reply = (code: number, body: unknown) => {
          res.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        };
        const base = `/api/v1/namespaces/${namespace}/secrets`;
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        fake.calls.push(`${req.method} ${path}`);
        if (req.method === 'POST' && path === base) {
          const body = JSON.parse(Buffer.concat(chunks).toString());
          new Secret(body).validate();
          const name = body.metadata.name as string;
          if (fake.secrets.has(name))
            return reply(409, status(409, 'AlreadyExists', `secrets "${name}" already exists`));
          fake.secrets.set(name, body.stringData);
          return reply(201, { ...body, metadata: { ...body.metadata, namespace } });
        }
        const name = path.startsWith(`${base}/`) ? path.slice(base.length + 1) : '';
        if (req.method === 'DELETE' && name) {
          if (!fake.secrets.delete(name))
            return reply(404, status(404, 'NotFound', `secrets "${name}" not found`));
          return reply(200, { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 200 });
        }
        reply(404, status(404, 'NotFound', `unexpected ${req.method} ${path}`));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  kubeConfig(): KubeConfig {
    const { port } = this.server.address() as AddressInfo;
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'sa-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    return kc;
  }

  stop() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let api: FakeApiServer;
let job: Json;
let jobEnv: Record<string, string>;

beforeAll(async () => {
  job = await findRendered('prod', 'Job', 'generate-credentials');
  const container = job.spec.template.spec.containers[0];
  // The Job's own environment; the downward API supplies the namespace.
  jobEnv = Object.fromEntries(
    container.env.map((e: Json) => [e.name, e.value ?? (e.valueFrom?.fieldRef ? 'titanic-prod' : '')]),
  );
  api = await FakeApiServer.start('titanic-prod');
});
afterAll(() => api.stop());

describe('credentials generator Job', () => {
  it('runs the generator bundled into the promoter image, not a third-party kubectl image', async () => {
    const container = job.spec.template.spec.containers[0];
    expect(container.image).toMatch(/^ghcr\.io\/titanic-ml\/titanic-promoter:/);
    expect(container.command).toEqual(['node', 'services/promoter/build/credentials.js']);
    const pkg = await import(`${REPO_ROOT}/services/promoter/package.json`, { with: { type: 'json' } });
    expect(pkg.default.scripts.build).toContain('credentials=src/credentials/main.ts');
  });

  it('creates the Secrets with random values once (API keys in prod), and never rotates them', async () => {
    expect(await run(jobEnv, api.kubeConfig())).toEqual([
      'postgres-credentials',
      'inference-database',
      'grafana-admin',
      'promoter-webhook-token',
      'inference-api-keys',
    ]);
    const { password } = api.secrets.get('postgres-credentials')!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(api.secrets.get('inference-database')!.url).toBe(
      `postgresql://titanic:${password}@postgres.titanic-prod.svc:5432/titanic?sslmode=disable`,
    );
    expect(api.secrets.get('promoter-webhook-token')!.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(api.secrets.get('inference-api-keys')!.keys).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const before = new Map(api.secrets);
    api.calls.length = 0;
    expect(await run(jobEnv, api.kubeConfig())).toEqual([]);
    expect(api.calls.every((c) => c.startsWith('POST '))).toBe(true);
    expect(api.secrets).toEqual(before);
  });

  it('leaves API keys to the operator in dev', async () => {
    const dev: Json = await findRendered('dev', 'Job', 'generate-credentials');
    expect(dev.spec.template.spec.containers[0].env.map((e: Json) => e.name)).not.toContain('API_KEYS');
  });

  it('its Role can create Secrets and delete only the database URL it replaces', async () => {
    const role: Json = await findRendered('prod', 'Role', 'generate-credentials');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['inference-database'], verbs: ['delete'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
  });
});
