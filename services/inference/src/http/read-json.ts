import type { Context } from 'koa';
import { ApiError, invalidRequest } from '../errors.ts';

/** Request bodies above this are refused with 413 (10,000 passengers fit in about 0.8 MB). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

const tooLarge = () =>
  new ApiError(
    413,
    'payload_too_large',
    `request body exceeds ${BODY_LIMIT_BYTES} bytes; send fewer passengers per request`,
  );

export interface JsonBody {
  /** The body as sent (kept for the prediction log: no second serialisation). */
  readonly text: string;
  readonly json: unknown;
}

/**
 * The JSON request body: 415 unless the content type is JSON, 413 past the limit (checked on
 * the declared length first, then while streaming), 400 when it does not parse.
 */
export async function readJson(ctx: Context): Promise<JsonBody> {
  const type = ctx.get('content-type');
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type))
    throw new ApiError(
      415,
      'unsupported_media_type',
      `Content-Type must be application/json${type ? ` (got ${type.slice(0, 60)})` : ''}`,
    );
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > BODY_LIMIT_BYTES) throw tooLarge();
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
        reject(tooLarge());
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
  try {
    return { text, json: JSON.parse(text) };
  } catch (err) {
    throw invalidRequest(`request body is not valid JSON: ${(err as Error).message.slice(0, 120)}`);
  }
}
