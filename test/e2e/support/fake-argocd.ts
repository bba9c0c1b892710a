import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * The part of Argo CD's published REST API (assets/swagger.json of argoproj/argo-cd, the GET and
 * sync operations with every definition they reference) that the promoter calls.
 */
const API = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/argocd-api.json'), 'utf8'));

function validator(definition: string): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  // Swagger 2.0 refs point at #/definitions/…; compile against the whole document.
  ajv.addSchema({ definitions: API.definitions }, 'api');
  return ajv.compile({ $ref: `api#/definitions/${definition}` });
}
const syncRequest = validator('applicationApplicationSyncRequest');
const application = validator('v1alpha1Application');

export interface FakeArgoCdOptions {
  /** The project role's token and the Applications it may get and sync (AppProject roles). */
  readonly token: string;
  readonly allowed: readonly string[];
  /** Whether the sync window is open now and whether it allows manual syncs. */
  window: { open: boolean; manualSync: boolean };
}

/**
 * Argo CD's application API as the promoter uses it: GET an Application (refresh honoured), POST a
 * sync. It enforces the project role's scope and the sync window as Argo CD does, checks every
 * request body against the published API, and every Application it returns against both the
 * published API and the Application CRD schema.
 */
export class FakeArgoCd {
  readonly syncs: { name: string; revision: string; body: unknown }[] = [];
  readonly violations: string[] = [];
  readonly refreshes: string[] = [];
  private constructor(
    private readonly server: Server,
    readonly options: FakeArgoCdOptions,
    readonly apps: Map<string, Application>,
  ) {}

  static async start(options: FakeArgoCdOptions, apps: Application[]): Promise<FakeArgoCd> {
    const server = createServer();
    const fake = new FakeArgoCd(server, options, new Map(apps.map((a) => [a.metadata!.name!, a])));
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { status, body } = fake.handle(
          req.method ?? 'GET',
          req.url ?? '/',
          req.headers.authorization ?? '',
          Buffer.concat(chunks).toString(),
        );
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(
    method: string,
    rawUrl: string,
    auth: string,
    raw: string,
  ): { status: number; body: unknown } {
    // grpc-gateway errors: { code, message }; 16 unauthenticated, 7 permission denied, 5 not found.
    const error = (status: number, code: number, message: string) => ({
      status,
      body: { code, error: message, message },
    });
    if (auth !== `Bearer ${this.options.token}`) return error(401, 16, 'invalid session: token is not valid');
    const url = new URL(rawUrl, 'http://argocd');
    const m = /^\/api\/v1\/applications\/([^/]+)(\/sync)?$/.exec(url.pathname);
    if (!m) return error(404, 5, `Not Found: ${method} ${url.pathname}`);
    const name = decodeURIComponent(m[1]!);
    const action = m[2] ? 'sync' : 'get';
    if ((action === 'sync') !== (method === 'POST') || (action === 'get' && method !== 'GET'))
      return error(405, 12, `Method Not Allowed: ${method}`);
    // Argo CD answers "permission denied" for Applications outside the role's policies.
    if (!this.options.allowed.includes(name))
      return error(403, 7, `permission denied: applications, ${action}, titanic/${name}`);
    const app = this.apps.get(name);
    if (!app) return error(404, 5, `applications.argoproj.io "${name}" not found`);
    if (action === 'get') {
      if (url.searchParams.get('refresh')) this.refreshes.push(url.searchParams.get('refresh')!);
      const body = app.toJSON();
      if (!application(body))
        this.violations.push(`response Application: ${JSON.stringify(application.errors?.slice(0, 3))}`);
      app.validate();
      return { status: 200, body };
    }
    const body = JSON.parse(raw || '{}') as { revision: string; prune?: boolean };
    if (!syncRequest(body)) {
      this.violations.push(`sync request: ${JSON.stringify(syncRequest.errors?.slice(0, 3))}`);
      return error(400, 3, 'invalid ApplicationSyncRequest');
    }
    if (!this.options.window.open && !this.options.window.manualSync)
      return error(403, 7, `cannot sync: blocked by sync window`);
    if (app.status?.operationState?.phase === 'Running')
      return error(409, 9, 'another operation is already in progress');
    this.syncs.push({ name, revision: body.revision, body });
    app.status = {
      ...app.status,
      operationState: {
        phase: 'Running',
        startedAt: new Date().toISOString(),
        operation: { sync: { revision: body.revision, prune: body.prune } },
      },
    };
    return { status: 200, body: app.toJSON() };
  }
}
