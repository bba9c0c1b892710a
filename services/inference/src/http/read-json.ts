import { ApiError, invalidRequest } from '../errors.ts';
import type { RequestContext } from './context.ts';
import { type Rejection, refuse } from './refuse.ts';

/** Request bodies above this are refused with 413 (10,000 passengers fit in about 0.8 MB). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

const tooLarge = {
  status: 413,
  code: 'payload_too_large',
  message: `request body exceeds ${BODY_LIMIT_BYTES} bytes; send fewer passengers per request`,
} as const;

export interface JsonBody {
  /** The body as sent (kept for the prediction log: no second serialisation). */
  readonly text: string;
  readonly json: unknown;
}

/** Why the headers alone refuse the body (415, 413), or undefined. */
function refusal(ctx: RequestContext): Rejection | undefined {
  const type = ctx.get('content-type');
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type))
    return {
      status: 415,
      code: 'unsupported_media_type',
      message: `Content-Type must be application/json${type ? ` (got ${type.slice(0, 60)})` : ''}`,
    };
  // Compressed bodies are refused rather than decoded: a 1 MB gzip body can inflate to gigabytes.
  const encoding = ctx.get('content-encoding').trim();
  if (encoding && !/^identity$/i.test(encoding))
    return {
      status: 415,
      code: 'unsupported_media_type',
      message: `Content-Encoding ${encoding.slice(0, 40)} is not supported; send the JSON body uncompressed`,
      headers: { 'Accept-Encoding': 'identity' },
    };
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > BODY_LIMIT_BYTES) return tooLarge;
  return undefined;
}

/**
 * The JSON request body, or undefined when it was refused (the answer is written): 415 unless
 * the content type is JSON and the body is not encoded, 413 past the limit (checked on the
 * declared length first, then while streaming), 400 when it does not parse.
 */
export async function readJson(ctx: RequestContext): Promise<JsonBody | undefined> {
  const refused = refusal(ctx);
  if (refused) {
    refuse(ctx, refused);
    return undefined;
  }
  const req = ctx.req;
  // Listeners are never removed: the request object and they go away together, and a settled
  // promise ignores later events (a flag stops collecting past the limit).
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > BODY_LIMIT_BYTES) {
        refused = true;
        chunks.length = 0;
        reject(new ApiError(tooLarge.status, tooLarge.code, tooLarge.message));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
    const cutOff = () => reject(new ApiError(400, 'invalid_request', 'request body was cut off'));
    req.on('error', cutOff);
    req.on('close', () => {
      if (!req.complete) cutOff();
    });
  });
  if (text.length === 0) throw invalidRequest('request body is empty; send a JSON object');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalidRequest(`request body is not valid JSON: ${(err as Error).message.slice(0, 120)}`);
  }
  // Only an escape can put U+0000 in parsed JSON (a raw control character does not parse).
  if (text.includes('\\u0000')) {
    const path = nulPath(json, []);
    if (path !== undefined)
      throw invalidRequest('request body holds the character U+0000, which cannot be stored', [
        { path: path || '(body)', message: 'remove U+0000 from this string' },
      ]);
  }
  return { text, json };
}

/**
 * The dotted path of the first string or key holding U+0000 (PostgreSQL's text and jsonb refuse
 * it, and the prediction log stores the body as sent), or undefined when there is none.
 */
function nulPath(value: unknown, at: readonly string[]): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at.join('.') : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...at, key.replaceAll('\u0000', '\\u0000')].join('.');
    const found = nulPath(item, [...at, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
