import type { z } from 'zod';

export interface ErrorIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * The one error type the HTTP layer turns into a response. Anything else that reaches the
 * error middleware is a bug: it becomes a 500 with a generic message and is logged in full.
 */
export class ApiError extends Error {
  readonly expose = true;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly ErrorIssue[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A model file that cannot be served: start-up stops with this message. */
export class ModelLoadError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}

/** zod issues as `passengers.3.pclass`-style paths, capped so a huge bad batch stays a small answer. */
export function issuesFromZod(
  error: z.ZodError,
  prefix: readonly (string | number)[] = [],
  max = 20,
): ErrorIssue[] {
  return error.issues.slice(0, max).map((issue) => {
    const path = [...prefix, ...issue.path].map(String).join('.');
    return { path, message: unknownKeyMessage(issue) ?? issue.message };
  });
}

function unknownKeyMessage(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined;
  return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`;
}

export const invalidRequest = (message: string, issues: readonly ErrorIssue[] = []) =>
  new ApiError(400, 'invalid_request', message, issues);
