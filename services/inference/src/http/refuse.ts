import type { ErrorIssue } from '../errors.ts';
import type { RequestContext } from './context.ts';

/** What a client is told about a refused request (ApiError has the same shape). */
export interface Rejection {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly issues?: readonly ErrorIssue[];
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Writes the JSON error answer: `{"error": "..."}` under /v2 (the protocol's shape), else
 * `{"error": {code, message, issues?}}`. Refusals on the hot path (401, 413, 415, 429, 503)
 * call this directly rather than throwing: an exception's stack capture cost more than the
 * prediction the refusal saves.
 */
export function refuse(ctx: RequestContext, rejection: Rejection): void {
  ctx.status = rejection.status;
  if (rejection.headers) ctx.set(rejection.headers);
  ctx.body = ctx.path.startsWith('/v2')
    ? { error: rejection.message }
    : {
        error: {
          code: rejection.code,
          message: rejection.message,
          ...(rejection.issues && rejection.issues.length > 0 ? { issues: rejection.issues } : {}),
        },
      };
}
