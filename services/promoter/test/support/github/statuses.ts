import { user } from './builders.ts';
import { type Handler, invalid, notFound, page, R } from './http.ts';
import { type ServedOperation, serve } from './openapi.ts';

export interface StatusState {
  id: number;
  sha: string;
  state: 'pending' | 'success' | 'failure' | 'error';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  at: string;
}

/** Commit statuses, like check runs, live outside git on GitHub. */
export class StatusStore {
  readonly statuses: StatusState[] = [];

  /** Records a status as `creator` would set it at `at` (tests set up history this way). */
  record(s: Omit<StatusState, 'id' | 'description' | 'targetUrl'> & { description?: string }): StatusState {
    const status = {
      id: 9000 + this.statuses.length,
      description: null,
      targetUrl: null,
      ...s,
      at: s.at.replace(/\.\d+Z$/, 'Z'),
    };
    this.statuses.push(status);
    return status;
  }
}

export const statusRoutes: Array<[ServedOperation, Handler]> = [
  [
    serve('POST', `${R}/statuses/{sha}`),
    async ({ fake, params, body, login }) => {
      if ((await fake.git.type(params.sha!)) !== 'commit')
        return invalid(`No commit found for SHA: ${params.sha}`);
      const s: StatusState = {
        id: 9000 + fake.statuses.statuses.length,
        sha: params.sha!,
        state: body.state,
        context: body.context ?? 'default',
        description: body.description ?? null,
        targetUrl: body.target_url ?? null,
        creator: login,
        at: fake
          .now()
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
      };
      fake.statuses.statuses.push(s);
      return { status: 201, body: statusJson(fake, s) };
    },
  ],
  [
    serve('GET', `${R}/commits/{ref}/statuses`),
    async ({ fake, params, query }) => {
      const sha = /^[0-9a-f]{40}$/.test(params.ref!)
        ? params.ref!
        : await fake.git.resolveRef(`refs/heads/${params.ref}`);
      if (!sha) return notFound();
      // Newest first, as GitHub lists them.
      const list = fake.statuses.statuses.filter((s) => s.sha === sha).reverse();
      return { status: 200, body: page(list, query).map((s) => statusJson(fake, s)) };
    },
  ],
];

function statusJson(fake: Parameters<Handler>[0]['fake'], s: StatusState) {
  const c = fake.coordinates;
  return {
    url: `${c.base}/repos/${c.owner}/${c.repo}/statuses/${s.sha}`,
    avatar_url: null,
    id: s.id,
    node_id: `SC_${s.id}`,
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.at,
    updated_at: s.at,
    creator: user(c, s.creator, 41898282),
  };
}
