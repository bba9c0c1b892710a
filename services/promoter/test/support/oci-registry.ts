import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseChallenge } from '../../src/registry.ts';

const REGISTRY_BIN = '/usr/bin/docker-registry';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * The real distribution registry (Debian docker-registry) on loopback, configured for token
 * authentication exactly like ghcr.io: anonymous requests get 401 + `WWW-Authenticate: Bearer
 * realm=…,service=…,scope=…`, and a token endpoint issues ES256 JWTs the registry verifies against
 * the certificate in its `rootcertbundle`.
 */
export class OciRegistry {
  readonly tokenRequests: string[] = [];
  /** Origin of the token service the registry's challenges name (trusted by the bot in tests). */
  readonly tokenOrigin: string;

  private constructor(
    readonly url: string,
    readonly username: string,
    readonly password: string,
    private readonly dir: string,
    private readonly child: ChildProcess,
    private readonly tokenServer: Server,
  ) {
    this.tokenOrigin = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}`;
  }

  /**
   * `realm` overrides the token realm the registry's challenges name (a registry that sends
   * clients elsewhere for credentials); by default it is the token endpoint started here.
   */
  static async start(options: { realm?: string } = {}): Promise<OciRegistry> {
    if (!existsSync(REGISTRY_BIN))
      throw new Error(`${REGISTRY_BIN} is missing: apt-get install docker-registry`);
    const dir = await mkdtemp(join(tmpdir(), 'oci-registry-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=token-issuer',
      ],
      { stdio: 'ignore' },
    );
    const key = readFileSync(join(dir, 'key.pem'));
    const certDer = Buffer.from(
      readFileSync(join(dir, 'cert.pem'), 'utf8')
        .replace(/-----[^-]+-----/g, '')
        .replace(/\s+/g, ''),
      'base64',
    );
    const username = 'promoter';
    const password = `pw-${randomUUID()}`;
    const requests: string[] = [];
    const tokenServer = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push(url.search);
      const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      const access = url.searchParams.getAll('scope').map((s) => {
        const [type, name, actions] = s.split(':');
        return { type, name, actions: (actions ?? '').split(',') };
      });
      const now = Math.floor(Date.now() / 1000);
      const header = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', x5c: [certDer.toString('base64')] }));
      const claims = b64url(
        JSON.stringify({
          iss: 'test-issuer',
          sub: username,
          aud: url.searchParams.get('service'),
          exp: now + 300,
          nbf: now - 10,
          iat: now,
          jti: randomUUID(),
          access,
        }),
      );
      const signature = sign('sha256', Buffer.from(`${header}.${claims}`), {
        key,
        dsaEncoding: 'ieee-p1363',
      });
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token: `${header}.${claims}.${b64url(signature)}` }));
    });
    await new Promise<void>((r) => tokenServer.listen(0, '127.0.0.1', r));
    const tokenPort = (tokenServer.address() as AddressInfo).port;
    const port = await freePort();
    await writeFile(
      join(dir, 'config.yml'),
      [
        'version: 0.1',
        'log: { level: error, accesslog: { disabled: true } }',
        `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
        `http: { addr: "127.0.0.1:${port}" }`,
        'auth:',
        '  token:',
        `    realm: ${options.realm ?? `http://127.0.0.1:${tokenPort}/token`}`,
        '    service: test-registry',
        '    issuer: test-issuer',
        `    rootcertbundle: ${join(dir, 'cert.pem')}`,
      ].join('\n'),
    );
    const child = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const url = `http://127.0.0.1:${port}`;
    const registry = new OciRegistry(url, username, password, dir, child, tokenServer);
    (registry as { tokenRequests: string[] }).tokenRequests = requests;
    for (let i = 0; ; i++) {
      try {
        const res = await fetch(`${url}/v2/`);
        if (res.status === 401) break;
      } catch {}
      if (i > 100 || child.exitCode !== null) throw new Error(`docker-registry did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return registry;
  }

  /** Bearer token for `scope`, obtained the way any client does: from the 401 challenge. */
  private async authorised(url: string, init: RequestInit, scope: string): Promise<Response> {
    const first = await fetch(url, { ...init, redirect: 'manual' });
    if (first.status !== 401) return first;
    const { params } = parseChallenge(first.headers.get('www-authenticate') ?? '');
    const tokenUrl = new URL(params.realm!);
    tokenUrl.searchParams.set('service', params.service!);
    tokenUrl.searchParams.set('scope', scope);
    const basic = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    const { token } = (await (await fetch(tokenUrl, { headers: { authorization: basic } })).json()) as {
      token: string;
    };
    return fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as object), authorization: `Bearer ${token}` },
    });
  }

  private async pushBlob(name: string, content: Buffer): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    const scope = `repository:${name}:pull,push`;
    const start = await this.authorised(`${this.url}/v2/${name}/blobs/uploads/`, { method: 'POST' }, scope);
    if (start.status !== 202) throw new Error(`blob upload start: ${start.status} ${await start.text()}`);
    const location = new URL(start.headers.get('location')!, this.url);
    location.searchParams.set('digest', digest);
    const put = await this.authorised(
      location.href,
      {
        method: 'PUT',
        body: new Uint8Array(content),
        headers: { 'content-type': 'application/octet-stream' },
      },
      scope,
    );
    if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
    return digest;
  }

  /** Pushes a one-layer OCI image manifest as `name:tag` and returns the manifest digest. */
  async pushImage(
    name: string,
    tag: string,
    layer = Buffer.from(`layer of ${name}:${tag}`),
  ): Promise<string> {
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
    );
    const configDigest = await this.pushBlob(name, config);
    const layerDigest = await this.pushBlob(name, layer);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: {
          mediaType: 'application/vnd.oci.image.config.v1+json',
          digest: configDigest,
          size: config.length,
        },
        layers: [
          { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length },
        ],
      }),
    );
    const res = await this.authorised(
      `${this.url}/v2/${name}/manifests/${tag}`,
      {
        method: 'PUT',
        body: new Uint8Array(manifest),
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      },
      `repository:${name}:pull,push`,
    );
    if (res.status !== 201) throw new Error(`manifest push: ${res.status} ${await res.text()}`);
    return `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  }

  /** GET of a manifest (by tag or digest) or a blob, as a pulling client authorises it. */
  async pull(name: string, kind: 'manifests' | 'blobs', reference: string): Promise<Buffer> {
    const res = await this.authorised(
      `${this.url}/v2/${name}/${kind}/${reference}`,
      { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } },
      `repository:${name}:pull`,
    );
    if (res.status === 307 || res.status === 302) {
      const location = res.headers.get('location')!;
      return Buffer.from(await (await fetch(new URL(location, this.url))).arrayBuffer());
    }
    if (res.status !== 200) throw new Error(`GET ${kind}/${reference}: ${res.status} ${await res.text()}`);
    return Buffer.from(await res.arrayBuffer());
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await new Promise<void>((r) => (this.child.exitCode !== null ? r() : this.child.once('exit', () => r())));
    this.tokenServer.closeAllConnections();
    await new Promise<void>((r) => this.tokenServer.close(() => r()));
    await rm(this.dir, { recursive: true, force: true });
  }
}
