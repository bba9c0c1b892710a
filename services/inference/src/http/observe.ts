import { randomUUID } from 'node:crypto';
import { ApiError } from '../errors.ts';
import type { AccessLog, Logger } from '../telemetry/logger.ts';
import type { Metrics } from '../telemetry/metrics.ts';
import type { AppMiddleware } from './context.ts';
import { refuse } from './refuse.ts';

/** Accepted client request ids: short, printable, no separators that could forge log lines. */
const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** Every response: what a JSON API needs (OWASP REST guidance); HSTS belongs to the TLS ingress. */
const API_HEADERS: [string, string][] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cache-Control', 'no-store'],
];

/** Pages (web form, API reference) load only their own scripts; Swagger UI sets inline styles. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

const QUIET_ROUTES = new Set(['/metrics', '/v2/health/live', '/v2/health/ready', '/v2/models/titanic/ready']);

const CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  501: 'not_implemented',
  503: 'unavailable',
};

/** Errors from Koa or the router (http-errors) that are safe to show, as ApiError. */
function fromHttpError(err: unknown): ApiError | undefined {
  const e = err as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof e.status !== 'number' || e.status < 400 || e.status >= 500 || e.expose !== true)
    return undefined;
  return new ApiError(e.status, CODES[e.status] ?? 'invalid_request', String(e.message));
}

/**
 * The outermost middleware and the one error path: assigns the request id, sets security
 * headers, turns every failure into a JSON error (no stack traces out), then records metrics
 * and one access-log line (the logger's base fields carry the model version).
 */
export function observe(deps: { metrics: Metrics; logger: Logger; access: AccessLog }): AppMiddleware {
  const { metrics, logger, access } = deps;
  return async (ctx, next) => {
    const started = performance.now();
    const incoming = ctx.req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.startedAt = started;
    // Straight onto the response: these constants need none of ctx.set's coercion.
    const res = ctx.res;
    for (const [name, value] of API_HEADERS) res.setHeader(name, value);
    res.setHeader('X-Request-Id', requestId);
    try {
      await next();
      if (ctx.body == null && (ctx.status === 404 || ctx.status === 405 || ctx.status === 501)) {
        const message =
          ctx.status === 404
            ? `no route for ${ctx.method} ${ctx.path.slice(0, 200)}`
            : `${ctx.method} is not allowed on ${ctx.path.slice(0, 200)}; allowed: ${ctx.response.get('Allow') || 'none'}`;
        throw new ApiError(ctx.status, CODES[ctx.status]!, message);
      }
    } catch (err) {
      const known = err instanceof ApiError ? err : fromHttpError(err);
      const error = known ?? new ApiError(500, 'internal', `internal error; quote request id ${requestId}`);
      if (!known) logger.error({ requestId, err }, 'unhandled error');
      refuse(ctx, error);
    }
    const ms = performance.now() - started;
    const route =
      ctx.state.route ?? (typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched');
    metrics.observeHttp(route, ctx.method, ctx.status, ms / 1000);
    const status = ctx.status;
    // A rate-limited flood is counted (http_requests_total{status="429"}), not logged line by line.
    const level = status >= 500 ? 'error' : status === 429 || QUIET_ROUTES.has(route) ? 'debug' : 'info';
    access(level, requestId, ctx.method, route, status, Math.round(ms * 1000) / 1000, ctx.state.passengers);
  };
}
