/** Request/response shapes and small functions shared by the route tables. */

import { pullDetails, pullJson } from './pulls.ts';
import type { FakeGitHub } from './server.ts';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
export interface Request {
  fake: FakeGitHub;
  params: Record<string, string>;
  query: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: bodies were validated against the OpenAPI schema
  body: any;
  /** Who the token in the request belongs to. */
  login: string;
}
export type Handler = (r: Request) => Promise<Reply>;

export const DOCS = 'https://docs.github.com/rest';
export const notFound = (): Reply => ({
  status: 404,
  body: { message: 'Not Found', documentation_url: DOCS },
});
export const invalid = (message: string): Reply => ({
  status: 422,
  body: { message, documentation_url: DOCS },
});
export const R = '/repos/{owner}/{repo}';

export function page<T>(items: T[], query: Record<string, string>): T[] {
  const perPage = Number(query.per_page ?? 30);
  const n = Number(query.page ?? 1);
  return items.slice((n - 1) * perPage, n * perPage);
}

export async function pullReply(fake: FakeGitHub, n: number, status: number, full: boolean): Promise<Reply> {
  const p = fake.pulls.get(n);
  if (!p) return notFound();
  const headSha = (await fake.git.resolveRef(`refs/heads/${p.head}`)) ?? p.mergeCommitSha ?? '0'.repeat(40);
  const baseSha = (await fake.git.resolveRef(`refs/heads/${p.base}`)) ?? '0'.repeat(40);
  const json = pullJson(fake.coordinates, fake.pulls, p, headSha, baseSha);
  return { status, body: full ? { ...json, ...pullDetails(p) } : json };
}

export function base64Lines(buf: Buffer): string {
  return (buf.toString('base64').match(/.{1,60}/g) ?? []).join('\n');
}
