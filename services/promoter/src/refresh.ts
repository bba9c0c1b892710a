import { createHash } from 'node:crypto';
import { envPath, type PromoterContext } from './context.ts';
import { EnvironmentFile } from './env-file.ts';
import type { PullInfo } from './github.ts';
import { parseDataBlock } from './pr-body.ts';
import { promote } from './promote.ts';
import { isBotPull } from './provenance.ts';
import { renderEnvironment } from './render.ts';
import { code } from './untrusted.ts';

export interface RefreshResult {
  readonly pull: number;
  readonly env: string;
  /** fresh: its files are what main + its pins render; re-rendered: rebuilt on main; refused: closed. */
  readonly status: 'fresh' | 're-rendered' | 'refused';
  readonly detail: string;
}

/** The object id git gives `content` as a blob, to compare with a tree entry without fetching it. */
const blobId = (content: string) => {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest('hex');
};

/**
 * Files a promotion pull request must hold so that merging it leaves main consistent: main's
 * environment file with the pull request's pins, and dist/<env>/ rendered from that. Returns the
 * paths where the pull request's branch differs.
 */
async function stalePaths(ctx: PromoterContext, mainSha: string, pull: PullInfo, env: string) {
  const { repo } = ctx;
  const tip = (await repo.branchSha(pull.head))!;
  const [mainFiles, branchFiles] = await Promise.all([repo.files(mainSha), repo.files(tip)]);
  const pinned = EnvironmentFile.parse(env, (await repo.readText(tip, envPath(env)))!).value();
  const file = EnvironmentFile.parse(env, (await repo.readText(mainSha, envPath(env)))!);
  file.setImage(pinned.image.tag, pinned.image.digest);
  file.setModel(pinned.model.version, pinned.model.sha256, pinned.model.digest);
  const envText = file.toString();
  const changes = await renderEnvironment(repo, mainSha, mainFiles, env, { [envPath(env)]: envText });
  const expected = new Map<string, string | null>();
  for (const [path, blob] of mainFiles) if (path.startsWith(`dist/${env}/`)) expected.set(path, blob);
  for (const c of changes) expected.set(c.path, c.content === null ? null : blobId(c.content));
  expected.set(envPath(env), blobId(envText));
  const stale: string[] = [];
  for (const [path, id] of expected) if ((branchFiles.get(path) ?? null) !== id) stale.push(path);
  for (const path of branchFiles.keys())
    if (path.startsWith(`dist/${env}/`) && !expected.has(path)) stale.push(path);
  return stale.sort();
}

/**
 * Keeps open promotion pull requests mergeable as they are reviewed: one whose files are no
 * longer what main plus its pins render (main moved: a chart, another field of the environment
 * file) is rebuilt on main by promoting the same bundle again, gates included; when the gates now
 * refuse it, it is closed with the reasons, so a stale dist/ can never be merged.
 */
export async function refreshPromotions(ctx: PromoterContext, env?: string): Promise<RefreshResult[]> {
  const { repo } = ctx;
  const mainSha = (await repo.branchSha(await repo.defaultBranch()))!;
  const out: RefreshResult[] = [];
  for (const pull of await repo.openPulls()) {
    const data = parseDataBlock(pull.body);
    if (data?.kind !== 'promotion' || (env && data.env !== env)) continue;
    if (!pull.labels.includes('promotion') || !isBotPull(ctx, pull, `promote/${data.env}/`)) continue;
    if (data.base === mainSha) {
      out.push({ pull: pull.number, env: data.env, status: 'fresh', detail: 'built on the tip of main' });
      continue;
    }
    const stale = await stalePaths(ctx, mainSha, pull, data.env);
    if (stale.length === 0) {
      out.push({
        pull: pull.number,
        env: data.env,
        status: 'fresh',
        detail: `main moved since ${data.base.slice(0, 12)}, but nothing it renders for ${data.env} changed`,
      });
      continue;
    }
    ctx.log(`#${pull.number}: stale against main (${stale.join(', ')}); promoting its bundle again`);
    const again = await promote(ctx, {
      env: data.env,
      model: data.model,
      image: data.image,
      ...(data.from && data.from !== 'registry' ? { from: data.from } : {}),
    });
    if (again.status !== 'refused' && again.pull?.number === pull.number) {
      out.push({
        pull: pull.number,
        env: data.env,
        status: 're-rendered',
        detail: `rebuilt on ${mainSha.slice(0, 12)}: ${stale.join(', ')}`,
      });
      continue;
    }
    const why =
      again.status === 'refused'
        ? again.gates
            .filter((g) => !g.ok)
            .map((g) => `${g.gate}: ${g.detail}`)
            .join('; ')
        : `${data.env} already runs model ${data.model} with image ${data.image} on main`;
    // A promotion refused after it updated this pull request (a rollback opened meanwhile) has
    // closed it already, with a comment linking the rollback.
    if (again.status === 'refused' && again.pull?.number === pull.number) {
      out.push({ pull: pull.number, env: data.env, status: 'refused', detail: why });
      continue;
    }
    await repo.comment(
      pull.number,
      `Closed: main moved (${stale.join(', ')} no longer match what main renders with these pins) and promoting this bundle again on ${mainSha.slice(0, 12)} was refused: ${code(why, 600)}.`,
    );
    await repo.close(pull.number);
    out.push({ pull: pull.number, env: data.env, status: 'refused', detail: why });
  }
  return out;
}
