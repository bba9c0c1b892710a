import { parseDocument } from 'yaml';
import { envPath } from '../../src/context.ts';
import { EnvironmentFile } from '../../src/env-file.ts';
import { openPromotions, openRollbacks } from '../../src/pending-rollback.ts';
import { type PromoteResult, promote } from '../../src/promote.ts';
import { rollback } from '../../src/rollback.ts';
import type { Harness } from './harness.ts';

/** A model version and an image tag promoted together. */
export interface Pins {
  readonly model: string;
  readonly image: string;
}

/** Merges a pull request with a merge commit, as a maintainer does; returns that commit. */
export async function mergePull(h: Harness, number: number): Promise<string> {
  const { repo } = h.ctx();
  const { data } = await repo.client.pulls.merge({
    owner: repo.owner,
    repo: repo.repo,
    pull_number: number,
    merge_method: 'merge',
  });
  return data.sha;
}

/** A maintainer's commit on main that empties the environment's holds (the fix is in). */
async function liftHolds(h: Harness, env: string): Promise<void> {
  const clone = await h.clone();
  const doc = parseDocument(await clone.read(envPath(env)));
  if ((doc.getIn(['promotion', 'holds']) as { items: unknown[] }).items.length === 0) return;
  doc.setIn(['promotion', 'holds'], doc.createNode([]));
  await clone.write(envPath(env), doc.toString({ lineWidth: 0 }));
  await clone.commitAll(`chore(${env}): lift the holds, the fix is in`);
  await clone.push();
}

/**
 * Brings `env` to a merged bot promotion of `pins` that a rollback can revert, whatever earlier
 * tests left: open rollbacks of it closed unmerged, its holds lifted, a promotion of `pins` already
 * on main rolled back, then `pins` promoted (which supersedes open promotions) and merged. Returns main's environment file from before the
 * promotion and the promotion.
 */
export async function mergedPromotion(
  h: Harness,
  env: string,
  pins: Pins,
): Promise<{ before: string; promotion: PromoteResult }> {
  const { repo } = h.ctx();
  const open = await repo.openPulls();
  for (const r of openRollbacks(h.ctx(), open, env)) await repo.close(r.number);
  await liftHolds(h, env);
  const pinned = EnvironmentFile.parse(env, (await repo.readText('main', envPath(env)))!).value();
  if (pinned.model.version === pins.model && pinned.image.tag === pins.image)
    await mergePull(h, (await rollback(h.ctx(), { env, reason: 'start from the pins before' })).pull.number);
  const before = (await repo.readText('main', envPath(env)))!;
  const promotion = await promote(h.ctx(), { env, ...pins });
  if (promotion.status !== 'opened' && promotion.status !== 'updated')
    throw new Error(
      `setup: promoting ${pins.model}/${pins.image} to ${env} was ${promotion.status}: ${promotion.gates
        .filter((g) => !g.ok)
        .map((g) => `${g.gate}: ${g.detail}`)
        .join('; ')}`,
    );
  await mergePull(h, promotion.pull!.number);
  const left = openPromotions(h.ctx(), await repo.openPulls(), env);
  if (left.length > 0)
    throw new Error(`setup: promotions of ${env} still open: #${left.map((p) => p.number)}`);
  return { before, promotion };
}
