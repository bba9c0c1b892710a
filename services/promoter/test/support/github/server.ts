import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCESS_TOKENS, checkAppJwt, type FakeApp } from './app-routes.ts';
import type { RepoCoordinates } from './builders.ts';
import { CheckStore } from './checks.ts';
import { GitStore } from './git-store.ts';
import { checkRequest, checkResponse, type ServedOperation, type Violation } from './openapi.ts';
import { PullStore } from './pulls.ts';
import { type Handler, type Reply, routes } from './routes.ts';
import { StatusStore } from './statuses.ts';

export interface FakeGitHubOptions {
  readonly owner?: string;
  readonly repo?: string;
  readonly token?: string;
  /** Login the token acts as (the bot's identity on pull requests and comments). */
  readonly login?: string;
  /** Clock for created/updated timestamps, so tests can reason about soak times. */
  readonly now?: () => Date;
  /** A GitHub App whose installation may exchange a signed JWT for the token. */
  readonly app?: FakeApp;
}

interface Injected {
  operationId: string;
  status: number;
  times: number;
  message: string;
  headers: Record<string, string>;
}

/**
 * A GitHub-compatible REST server over a real bare git repository. Every request the client sends
 * and every response this server returns is checked against GitHub's OpenAPI description; any
 * mismatch is recorded in `violations` (tests assert it stays empty) and the request fails.
 */
export class FakeGitHub {
  readonly violations: Violation[] = [];
  /** Every request served (schema-checked or failed on purpose), with the login that sent it. */
  readonly calls: Array<{ operationId: string; status: number; login: string }> = [];
  readonly pulls = new PullStore();
  /** Installation tokens minted for the App. */
  mintedTokens = 0;
  app: FakeApp | undefined;
  /** Check runs by commit, as CI (the GitHub Actions app) reports them. */
  readonly checks = new CheckStore();
  readonly statuses = new StatusStore();
  /** A second identity: a maintainer acting through the same API (closing, commenting, opening PRs). */
  readonly human = { token: 'ghp_human_maintainer_token', login: 'octocat' };
  private readonly injected: Injected[] = [];

  private constructor(
    readonly git: GitStore,
    readonly coordinates: RepoCoordinates,
    readonly token: string,
    readonly login: string,
    readonly now: () => Date,
    private readonly server: Server,
  ) {}

  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const git = await GitStore.create();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const coordinates: RepoCoordinates = {
      owner: options.owner ?? 'titanic-ml',
      repo: options.repo ?? 'titanic-gitops',
      base: `http://127.0.0.1:${port}`,
      web: `http://127.0.0.1:${port}/web`,
      defaultBranch: 'main',
    };
    const fake = new FakeGitHub(
      git,
      coordinates,
      options.token ?? 'ghp_test',
      options.login ?? 'github-actions[bot]',
      options.now ?? (() => new Date()),
      server,
    );
    fake.app = options.app;
    server.on('request', (req, res) => {
      fake.handle(req).then(
        (reply) => {
          res.writeHead(reply.status, {
            ...reply.headers,
            'content-type': 'application/json; charset=utf-8',
          });
          res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
        },
        (error: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ message: error.message }));
        },
      );
    });
    return fake;
  }

  get url(): string {
    return this.coordinates.base;
  }

  /** Directory of the bare repository, for `git clone` in tests. */
  get repoDir(): string {
    return this.git.dir;
  }

  /** How many requests `login` (default the bot) has sent so far. */
  requestsBy(login: string = this.login): number {
    return this.calls.filter((c) => c.login === login).length;
  }

  /** The next `times` calls of an operation fail with `status` and change nothing. */
  failNext(
    operationId: string,
    status: number,
    times = 1,
    options: { message?: string; headers?: Record<string, string> } = {},
  ): void {
    this.injected.push({
      operationId,
      status,
      times,
      message: options.message ?? 'injected failure',
      headers: options.headers ?? {},
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.git.dispose();
  }

  private async handle(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', this.coordinates.base);
    const method = req.method ?? 'GET';
    let match: { served: ServedOperation; handler: Handler; params: Record<string, string> } | undefined;
    for (const [served, handler] of routes) {
      const m = served.method === method ? served.pattern.exec(url.pathname) : null;
      if (m) {
        const params = Object.fromEntries(
          served.paramNames.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]),
        );
        match = { served, handler, params };
        break;
      }
    }
    if (!match) return { status: 404, body: { message: `Not Found: ${method} ${url.pathname}` } };
    const { served, handler, params } = match;
    const auth = req.headers.authorization ?? '';
    let login: string | undefined;
    if (served.operationId === ACCESS_TOKENS.operationId) {
      const problem = this.app ? checkAppJwt(this.app, auth, this.now()) : 'no GitHub App is installed';
      if (problem)
        return { status: 401, body: { message: problem, documentation_url: 'https://docs.github.com/rest' } };
      login = this.login;
    } else {
      const token = auth.replace(/^(token|bearer) /i, '');
      login = token === this.token ? this.login : token === this.human.token ? this.human.login : undefined;
    }
    if (!login) {
      return {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
      };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const body = raw ? JSON.parse(raw) : undefined;
    const query = Object.fromEntries(url.searchParams);

    const injected = this.injected.find((i) => i.operationId === served.operationId && i.times > 0);
    if (injected) {
      injected.times -= 1;
      this.calls.push({ operationId: served.operationId, status: injected.status, login });
      return {
        status: injected.status,
        headers: injected.headers,
        body: { message: injected.message, documentation_url: 'https://docs.github.com/rest' },
      };
    }

    const requestProblems = checkRequest(served, params, query, body);
    if (requestProblems.length > 0) {
      const message = requestProblems.join(' | ');
      this.violations.push({ operationId: served.operationId, where: 'request', message });
      return {
        status: 422,
        body: { message: `Invalid request: ${message}`, documentation_url: 'https://docs.github.com/rest' },
      };
    }
    const reply = await handler({ fake: this, params, query, body, login });
    const responseProblems = checkResponse(served, reply.status, reply.body);
    if (responseProblems.length > 0) {
      const message = responseProblems.join(' | ');
      this.violations.push({ operationId: served.operationId, where: 'response', message });
      return { status: 500, body: { message: `Invalid response: ${message}` } };
    }
    this.calls.push({ operationId: served.operationId, status: reply.status, login });
    return reply;
  }
}
