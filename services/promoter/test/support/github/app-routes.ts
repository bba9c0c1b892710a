import { createVerify, type KeyObject } from 'node:crypto';
import { DOCS, type Handler } from './http.ts';
import { type ServedOperation, serve } from './openapi.ts';

/** The GitHub App the fake accepts: installation tokens are minted for a JWT signed by its key. */
export interface FakeApp {
  readonly id: number;
  readonly installationId: number;
  readonly publicKey: KeyObject;
}

export const ACCESS_TOKENS = serve('POST', '/app/installations/{installation_id}/access_tokens');

/**
 * Checks an App JWT as GitHub does: RS256 over header.payload with the App's key, `iss` the App id,
 * issued no later than now (60 s skew) and valid at most 10 minutes. Returns a problem or undefined.
 */
export function checkAppJwt(app: FakeApp, authorization: string, now: Date): string | undefined {
  const jwt = /^bearer (.+)$/i.exec(authorization)?.[1];
  if (!jwt) return 'expected Authorization: Bearer <JWT>';
  const [header, payload, signature] = jwt.split('.');
  if (!header || !payload || !signature) return 'not a JWT';
  const alg = JSON.parse(Buffer.from(header, 'base64url').toString()).alg;
  if (alg !== 'RS256') return `JWT alg ${alg}, expected RS256`;
  const verify = createVerify('RSA-SHA256').update(`${header}.${payload}`);
  if (!verify.verify(app.publicKey, Buffer.from(signature, 'base64url')))
    return 'A JSON web token could not be decoded';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const t = Math.floor(now.getTime() / 1000);
  if (String(claims.iss) !== String(app.id)) return `iss ${claims.iss} is not App ${app.id}`;
  if (claims.iat > t + 60)
    return "'Issued at' claim ('iat') must be an Integer representing a time in the past";
  if (claims.exp <= t || claims.exp - claims.iat > 660)
    return "'Expiration time' claim ('exp') is too far in the future or expired";
  return undefined;
}

/** Installation tokens; the handler runs only after `checkAppJwt` accepted the request. */
export const appRoutes: Array<[ServedOperation, Handler]> = [
  [
    ACCESS_TOKENS,
    async ({ fake, params }) => {
      if (Number(params.installation_id) !== fake.app?.installationId)
        return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
      fake.mintedTokens += 1;
      return {
        status: 201,
        body: {
          token: fake.token,
          expires_at: new Date(fake.now().getTime() + 3600_000).toISOString(),
          permissions: { contents: 'write', pull_requests: 'write' },
          repository_selection: 'selected',
        },
      };
    },
  ],
];
