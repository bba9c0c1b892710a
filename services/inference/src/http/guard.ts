import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { ApiError } from '../errors.ts';

const digest = (key: string) => createHash('sha256').update(key).digest();

/** The presented key: `Authorization: Bearer <key>` or `X-API-Key`. */
function presentedKey(ctx: Context): string | undefined {
  const auth = ctx.get('authorization');
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return match?.[1];
  }
  return ctx.get('x-api-key') || undefined;
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
}): Middleware {
  const keys = options.apiKeys.map(digest);
  const buckets =
    options.rateLimitRps > 0 ? new TokenBuckets(options.rateLimitRps, options.rateLimitBurst) : undefined;
  return async (ctx, next) => {
    let client = ctx.ip;
    if (keys.length > 0) {
      const key = presentedKey(ctx);
      const presented = digest(key ?? '');
      let ok = false;
      for (const k of keys) ok = timingSafeEqual(k, presented) || ok;
      if (!key || !ok)
        throw new ApiError(
          401,
          'unauthorized',
          key ? 'the API key is not valid' : 'an API key is required: send Authorization: Bearer <key>',
          [],
          { 'WWW-Authenticate': 'Bearer realm="titanic"' },
        );
      client = presented.toString('base64');
    }
    if (buckets) {
      const wait = buckets.take(client);
      if (wait > 0) {
        const seconds = Math.max(1, Math.ceil(wait));
        throw new ApiError(429, 'rate_limited', `rate limit exceeded; retry after ${seconds} s`, [], {
          'Retry-After': String(seconds),
        });
      }
    }
    await next();
  };
}
