import { user } from './builders.ts';
import { type Handler, notFound, page, R } from './http.ts';
import { type ServedOperation, serve } from './openapi.ts';

/** The GitHub Actions app: the only app whose check runs a workflow job produces. */
export const ACTIONS_APP = { id: 15368, slug: 'github-actions', name: 'GitHub Actions' };

export interface CheckState {
  id: number;
  sha: string;
  name: string;
  conclusion: 'success' | 'failure' | 'cancelled' | 'skipped';
  app: { id: number; slug: string; name: string };
  at: string;
}

/** Check runs live outside git on GitHub too; tests report them the way a CI job would. */
export class CheckStore {
  readonly runs: CheckState[] = [];

  /** Records a completed check run on `sha` (default: a GitHub Actions job). */
  complete(
    sha: string,
    name: string,
    conclusion: CheckState['conclusion'] = 'success',
    app = ACTIONS_APP,
  ): CheckState {
    const run = { id: 7000 + this.runs.length, sha, name, conclusion, app, at: new Date().toISOString() };
    this.runs.push(run);
    return run;
  }
}

export const checkRoutes: Array<[ServedOperation, Handler]> = [
  [
    serve('GET', `${R}/commits/{ref}/check-runs`),
    async ({ fake, params, query }) => {
      const sha = /^[0-9a-f]{40}$/.test(params.ref!)
        ? params.ref!
        : await fake.git.resolveRef(`refs/heads/${params.ref}`);
      if (!sha) return notFound();
      const c = fake.coordinates;
      const api = `${c.base}/repos/${c.owner}/${c.repo}`;
      const list = fake.checks.runs
        .filter((r) => r.sha === sha)
        .filter((r) => !query.check_name || r.name === query.check_name)
        .filter((r) => !query.app_id || r.app.id === Number(query.app_id))
        .reverse();
      const runs = page(list, query).map((r) => ({
        id: r.id,
        node_id: `CR_${r.id}`,
        head_sha: r.sha,
        name: r.name,
        external_id: null,
        url: `${api}/check-runs/${r.id}`,
        html_url: `${c.web}/${c.owner}/${c.repo}/runs/${r.id}`,
        details_url: `${c.web}/${c.owner}/${c.repo}/actions/runs/${r.id}`,
        status: 'completed',
        conclusion: r.conclusion,
        started_at: r.at,
        completed_at: r.at,
        output: {
          title: null,
          summary: null,
          text: null,
          annotations_count: 0,
          annotations_url: `${api}/check-runs/${r.id}/annotations`,
        },
        check_suite: { id: r.id },
        app: {
          id: r.app.id,
          slug: r.app.slug,
          node_id: `A_${r.app.id}`,
          owner: user(c, 'github', 1),
          name: r.app.name,
          description: null,
          external_url: 'https://github.com/features/actions',
          html_url: `https://github.com/apps/${r.app.slug}`,
          created_at: '2018-07-30T09:30:17Z',
          updated_at: '2024-04-10T20:33:16Z',
          permissions: { checks: 'write', contents: 'read', metadata: 'read' },
          events: ['check_run', 'push', 'pull_request'],
        },
        pull_requests: [],
      }));
      return { status: 200, body: { total_count: list.length, check_runs: runs } };
    },
  ],
];
