import { createHash } from 'node:crypto';
import type { RegistryConfig } from './config.ts';
import { PromoterError, redact, registerSecret } from './errors.ts';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export type Resolution =
  | { readonly found: true; readonly digest: string; readonly mediaType: string }
  | { readonly found: false; readonly reason: string };

/** `ghcr.io/org/name` → registry host and repository name. */
export function splitRepository(repository: string): { host: string; name: string } {
  const slash = repository.indexOf('/');
  return { host: repository.slice(0, slash), name: repository.slice(slash + 1) };
}

/** Parses `Bearer realm="…",service="…",scope="…"` (RFC 6750 challenge as registries send it). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(space + 1).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!] = m[2]!;
  return { scheme, params };
}

/**
 * Resolves image tags to digests over the OCI distribution API, doing the bearer-token dance
 * registries such as ghcr.io require: 401 + WWW-Authenticate → token endpoint → retry.
 */
export class RegistryClient {
  private readonly tokens = new Map<string, string>();

  constructor(
    private readonly config: RegistryConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private baseUrl(host: string): string {
    return this.config.urlOverride ?? `https://${host}`;
  }

  /**
   * Credentials go only where the registry itself lives: an https realm on the registry's own
   * host, or an origin the operator listed in REGISTRY_TOKEN_ORIGINS. A challenge is text the
   * registry (or anything in its path) chose; it must not be able to send the password elsewhere.
   */
  private trustedRealm(realm: string, host: string): URL {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new PromoterError(`registry ${host} names a token realm that is not a URL`, 'registry');
    }
    const registryHost = new URL(this.baseUrl(host)).hostname;
    const sameHost = url.protocol === 'https:' && url.hostname === registryHost;
    if (!sameHost && !(this.config.tokenOrigins ?? []).includes(url.origin)) {
      throw new PromoterError(
        `registry ${host} asks for credentials at ${url.origin}, which is neither https on ${registryHost} nor in REGISTRY_TOKEN_ORIGINS; no credentials were sent`,
        'registry',
        `if ${url.origin} is the registry's real token service, add it to REGISTRY_TOKEN_ORIGINS`,
      );
    }
    return url;
  }

  private async token(challenge: string, repository: string, host: string): Promise<string> {
    const { scheme, params } = parseChallenge(challenge);
    if (scheme !== 'bearer' || !params.realm) {
      throw new PromoterError(`registry asks for unsupported authentication "${scheme}"`, 'registry');
    }
    const url = this.trustedRealm(params.realm, host);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', params.scope ?? `repository:${repository}:pull`);
    const cached = this.tokens.get(url.href);
    if (cached) return cached;
    const headers: Record<string, string> = {};
    if (this.config.username && this.config.password) {
      const basic = Buffer.from(`${this.config.username}:${this.config.password}`).toString('base64');
      registerSecret(basic);
      headers.authorization = `Basic ${basic}`;
    }
    // Never follow a redirect with the password attached.
    const res = await this.fetchImpl(url, { headers, redirect: 'error' });
    if (!res.ok) {
      throw new PromoterError(
        `registry token endpoint ${url.origin}${url.pathname} answered ${res.status}`,
        'registry',
        'check REGISTRY_USERNAME / REGISTRY_PASSWORD',
      );
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new PromoterError('registry token endpoint returned no token', 'registry');
    this.tokens.set(url.href, token);
    return token;
  }

  /** The digest of `repository:tag`, computed from the manifest bytes and checked against the header. */
  async resolve(repository: string, tag: string): Promise<Resolution> {
    const { host, name } = splitRepository(repository);
    const url = `${this.baseUrl(host)}/v2/${name}/manifests/${encodeURIComponent(tag)}`;
    const get = (auth?: string) =>
      this.fetchImpl(url, {
        headers: { accept: MANIFEST_TYPES, ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      });
    let res: Response;
    try {
      res = await get();
      const challenge = res.headers.get('www-authenticate');
      if (res.status === 401 && challenge) res = await get(await this.token(challenge, name, host));
    } catch (error) {
      if (error instanceof PromoterError) throw error;
      throw new PromoterError(
        `registry ${host} unreachable: ${redact((error as Error).message)}`,
        'registry',
        'check REGISTRY_URL and the network',
      );
    }
    if (res.status === 404)
      return { found: false, reason: `${repository}:${tag} does not exist in the registry` };
    if (!res.ok) return { found: false, reason: `registry answered ${res.status} for ${repository}:${tag}` };
    const bytes = Buffer.from(await res.arrayBuffer());
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const header = res.headers.get('docker-content-digest');
    if (header && header !== digest) {
      return {
        found: false,
        reason: `registry digest ${header} does not match the manifest it served (${digest})`,
      };
    }
    return { found: true, digest, mediaType: res.headers.get('content-type') ?? 'unknown' };
  }
}
