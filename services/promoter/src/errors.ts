/**
 * One error type for everything the promoter refuses or cannot do. Messages are for humans and
 * are always passed through `redact`, so a token never reaches a log line, a PR or a response.
 */
export class PromoterError extends Error {
  override readonly name = 'PromoterError';
  constructor(
    message: string,
    /** Stable, machine-readable reason, e.g. `gate-failed`, `revert-conflict`, `config`. */
    readonly code: string,
    /** What to do about it. */
    readonly hint?: string,
  ) {
    super(redact(message));
  }
}

const secrets = new Set<string>();

/** Registers a value that must never be printed (tokens, passwords, webhook secrets). */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  secrets.add(value);
  secrets.add(encodeURIComponent(value));
  // Headers and URLs carry secrets base64-encoded, often inside a longer value (`user:password`):
  // the stable middle of the encoding at each of the three byte alignments matches it anywhere.
  const bytes = Buffer.from(value);
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    const start = shift === 0 ? 0 : 4;
    const end = Math.floor((shift + bytes.length) / 3) * 4;
    for (const core of [
      encoded.slice(start, end),
      encoded.slice(start, end).replace(/\+/g, '-').replace(/\//g, '_'),
    ])
      if (core.length >= 8) secrets.add(core);
  }
}

const TOKEN_PATTERNS = [
  /\b(gh[pousr]_[A-Za-z0-9]{20,})\b/g,
  /\b(github_pat_[A-Za-z0-9_]{20,})\b/g,
  /(authorization["']?\s*[:=]\s*["']?(?:bearer |token |basic )?)[^\s"',}]{8,}/gi,
  /\b((?:bearer|token|basic) )[A-Za-z0-9._~+/=-]{20,}/gi,
];

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[REDACTED]');
  out = out.replace(TOKEN_PATTERNS[0]!, '[REDACTED]').replace(TOKEN_PATTERNS[1]!, '[REDACTED]');
  return out.replace(TOKEN_PATTERNS[2]!, '$1[REDACTED]').replace(TOKEN_PATTERNS[3]!, '$1[REDACTED]');
}

/** Converts anything thrown (Octokit RequestError included) into a redacted PromoterError. */
export function toPromoterError(error: unknown): PromoterError {
  if (error instanceof PromoterError) return error;
  const e = error as { status?: number; message?: string; response?: { data?: { message?: string } } };
  if (typeof e?.status === 'number') {
    const detail = e.response?.data?.message ?? e.message ?? 'request failed';
    const hint =
      e.status === 401
        ? 'check GITHUB_TOKEN'
        : e.status === 403 || e.status === 404
          ? 'check GITHUB_REPOSITORY and that the token may write contents and pull requests'
          : undefined;
    return new PromoterError(`GitHub API ${e.status}: ${detail}`, 'github', hint);
  }
  return new PromoterError(e?.message ?? String(error), 'internal');
}
