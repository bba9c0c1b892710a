import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppMiddleware, RequestContext } from './context.ts';
import { refuse } from './refuse.ts';

const digest = (key: string) => createHash('sha256').update(key).digest();

/**
 * The presented key: `Authorization: Bearer <key>`, else `X-API-Key`. `wrong` names the scheme
 * of an Authorization header that is not Bearer (it does not hide a valid X-API-Key).
 */
function presentedKey(ctx: RequestContext): { key: string | undefined; wrong?: string } {
  const auth = ctx.get('authorization');
  const bearer = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  if (bearer) return { key: bearer[1] };
  const key = ctx.get('x-api-key') || undefined;
  return auth ? { key, wrong: /^\S{1,20}/.exec(auth)?.[0] ?? '' } : { key };
}

const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer realm="titanic"' };

function unauthorized(presented: { key: string | undefined; wrong?: string }): string {
  if (presented.key) return 'the API key is not valid';
  if (presented.wrong === undefined)
    return 'an API key is required: send Authorization: Bearer <key> or X-API-Key';
  // The scheme is echoed only when it is a plain word (it is client input).
  const scheme = /^[\w-]+$/.test(presented.wrong) && !/^bearer$/i.test(presented.wrong);
  return `the Authorization header must be "Bearer <key>"${scheme ? ` (got ${presented.wrong})` : ''}, or send the key in X-API-Key`;
}

/**
 * Per-client token buckets. The client is the API key's digest when keys are on, else the
 * address. Idle buckets are forgotten once the table grows, so memory stays bounded.
 */
class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {}

  /** 0 when a token was taken, else the seconds until one will be there. */
  take(client: string, now = performance.now() / 1000): number {
    let bucket = this.#buckets.get(client);
    if (!bucket) {
      if (this.#buckets.size >= 10_000) this.#forgetIdle(now);
      bucket = { tokens: this.burst, at: now };
      this.#buckets.set(client, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.rate);
    bucket.at = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return (1 - bucket.tokens) / this.rate;
  }

  #forgetIdle(now: number): void {
    for (const [client, b] of this.#buckets)
      if (b.tokens + (now - b.at) * this.rate >= this.burst) this.#buckets.delete(client);
    // Everyone busy: start over rather than grow without bound.
    if (this.#buckets.size >= 10_000) this.#buckets.clear();
  }
}

/**
 * Authentication (when keys are configured) then rate limiting, for the prediction routes.
 * Keys are compared as sha256 digests with timingSafeEqual against every configured key, so
 * neither the length nor the position of a match leaks through timing.
 */
export function guard(options: {
  apiKeys: readonly string[];
  rateLimitRps: number;
  rateLimitBurst: number;
}): AppMiddleware {
  const keys = options.apiKeys.map(digest);
  const buckets =
    options.rateLimitRps > 0 ? new TokenBuckets(options.rateLimitRps, options.rateLimitBurst) : undefined;
  // Refusals are answered here, not thrown: under a flood they are most of the traffic.
  return (ctx, next) => {
    let client = ctx.ip;
    if (keys.length > 0) {
      const presented = presentedKey(ctx);
      const hash = digest(presented.key ?? '');
      let ok = false;
      for (const k of keys) ok = timingSafeEqual(k, hash) || ok;
      if (!presented.key || !ok) {
        refuse(ctx, {
          status: 401,
          code: 'unauthorized',
          message: unauthorized(presented),
          headers: UNAUTHORIZED_HEADERS,
        });
        return;
      }
      client = hash.toString('base64');
    }
    if (buckets) {
      const wait = buckets.take(client);
      if (wait > 0) {
        const seconds = Math.max(1, Math.ceil(wait));
        refuse(ctx, {
          status: 429,
          code: 'rate_limited',
          message: `rate limit exceeded; retry after ${seconds} s`,
          headers: { 'Retry-After': String(seconds) },
        });
        return;
      }
    }
    return next();
  };
}
