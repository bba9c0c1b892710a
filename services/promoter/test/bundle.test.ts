import { synthEnvironments } from '@titanic/platform/synth/render.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PromoterContext } from '../src/context.ts';
import { EnvironmentFile } from '../src/env-file.ts';
import { parseDataBlock } from '../src/pr-body.ts';
import { promote } from '../src/promote.ts';
import { releasePath } from '../src/release-record.ts';
import { type Harness, HOUR, RELEASE_COMMIT, startHarness, V } from './support/harness.ts';
import { fixtureModel } from './support/model-fixture.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

const INFERENCE = 'ghcr.io/titanic-ml/titanic-inference';
const MODELCAR = 'ghcr.io/titanic-ml/titanic-model';
const imageGate = (r: Awaited<ReturnType<typeof promote>>) => r.gates.find((g) => g.gate === 'image')!;
/** A registry that fails the test on any lookup. */
const noRegistry = {
  resolve: (repository: string, tag: string) => {
    throw new Error(`looked up ${repository}:${tag} in the registry`);
  },
} as unknown as PromoterContext['registry'];

/** The body as GitHub shows it: the inert code entities decoded. */
const shown = (body: string) => body.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)));

/**
 * Edits an environment file and its rendered dist/ on main, as a merged change does, and records
 * the passed verification the soak gate reads (two hours ago, longer than any minimum soak).
 */
async function editEnv(env: string, edit: (f: EnvironmentFile) => void, message: string) {
  const clone = await h.clone();
  const file = EnvironmentFile.parse(env, await clone.read(`environments/${env}.yaml`));
  edit(file);
  await clone.write(`environments/${env}.yaml`, file.toString());
  // A file synth refuses (a tampered sha256) cannot be rendered: then only the file changes.
  const rendered = await synthEnvironments({ root: clone.dir, envs: [env] }).catch(() => ({}));
  for (const [path, content] of Object.entries(rendered))
    if (path.startsWith(`dist/${env}/`)) await clone.write(path, content);
  const at = new Date(h.clock.getTime() - 2 * HOUR);
  const sha = await clone.commitAll(message, at);
  await clone.push();
  await h.verified(env, sha, at);
  return sha;
}

describe('promoting the bundle, not the tags', () => {
  it('dev takes the digests its release record names, checked against the registry', async () => {
    const r = await promote(h.ctx(), { env: 'dev', model: V.next, image: '1.1.0' });
    expect(r.status).toBe('opened');
    const body = h.github.pulls.get(r.pull!.number)!.body!;
    expect(parseDataBlock(body)).toMatchObject({
      imageDigest: h.digests['inference:1.1.0'],
      modelDigest: h.digests[`model:${V.next}`],
    });
    const record = releasePath(RELEASE_COMMIT);
    expect(body).toContain(`| inference image | \`${INFERENCE}:1.1.0@${h.digests['inference:1.1.0']}\` |`);
    expect(body).toContain(`| modelcar | \`${MODELCAR}:${V.next}@${h.digests[`model:${V.next}`]}\` |`);
    const rows = shown(body).split('\n');
    expect(rows.find((l) => l.startsWith('| inference image |') && l.includes('@sha256'))).toContain(
      `<code>release record ${record}</code>`,
    );
    expect(rows.find((l) => l.startsWith('| modelcar |'))).toContain(`<code>release record ${record}</code>`);
    const sha256 = JSON.parse(fixtureModel(V.next, 0.87).json).files.onnx.sha256;
    expect(rows).toContain(
      `| model | \`${V.next}\`, model.onnx sha256 \`${sha256}\` | <code>models/titanic/${V.next}/model.json</code> |`,
    );
  });

  it('dev refuses a tag the registry serves with other bytes than its release record names', async () => {
    // Someone re-pushes 1.1.0: the registry now serves other bytes under the recorded tag.
    await h.registry.pushImage('titanic-ml/titanic-inference', '1.1.0', Buffer.from('re-pushed 1.1.0'));
    try {
      const r = await promote(h.ctx(), { env: 'dev', model: V.next, image: '1.1.0' });
      expect(r.status).toBe('refused');
      expect(imageGate(r).detail).toContain(`${INFERENCE}:1.1.0 is sha256:`);
      expect(imageGate(r).detail).toContain(
        `but releases/${RELEASE_COMMIT}.json records ${h.digests['inference:1.1.0']}: the tag was overwritten`,
      );
    } finally {
      // Put the recorded bytes back for the tests below (pushImage's default layer).
      const again = await h.registry.pushImage('titanic-ml/titanic-inference', '1.1.0');
      expect(again).toBe(h.digests['inference:1.1.0']);
    }
  });

  it('dev may take a tag no release record names, and says so', async () => {
    const r = await promote(h.ctx(), { env: 'dev', model: V.next, image: '1.2.0' });
    expect(r.status).not.toBe('refused');
    expect(shown(h.github.pulls.get(r.pull!.number)!.body!)).toContain(
      'registry only (no release record names this tag)',
    );
  });

  it('staging copies exactly what dev pins, without asking the registry for any tag', async () => {
    // dev runs 1.2.0 pinned to a digest; the registry's 1.2.0 is then re-pushed with other bytes.
    const pinned = h.digests['inference:1.2.0']!;
    const devCommit = await editEnv(
      'dev',
      (f) => {
        f.setImage('1.2.0', pinned);
      },
      'chore(dev): image 1.2.0',
    );
    const moved = await h.registry.pushImage('titanic-ml/titanic-inference', '1.2.0', Buffer.from('moved'));
    expect(moved).not.toBe(pinned);
    // No registry lookup at all: the bundle is dev's file, not a tag.
    const r = await promote(h.ctx({ registry: noRegistry }), { env: 'staging' });
    expect(r.status).toBe('opened');
    expect(imageGate(r)).toMatchObject({ ok: true });
    const body = h.github.pulls.get(r.pull!.number)!.body!;
    expect(parseDataBlock(body)).toMatchObject({
      image: '1.2.0',
      imageDigest: pinned,
      modelDigest: h.digests[`model:${V.good}`],
      from: 'dev',
    });
    expect(body).toContain(`\`${INFERENCE}:1.2.0@${pinned}\``);
    expect(shown(body)).toContain(`<code>environments/dev.yaml at ${devCommit.slice(0, 12)}</code>`);

    const clone = await h.clone();
    await clone.run(['fetch', '--quiet', 'origin', r.branch!]);
    await clone.run(['checkout', '--quiet', 'FETCH_HEAD']);
    const staging = EnvironmentFile.parse('staging', await clone.read('environments/staging.yaml')).value();
    expect(staging.image).toMatchObject({ tag: '1.2.0', digest: pinned });
    expect(staging.model.digest).toBe(h.digests[`model:${V.good}`]);
    // The rendered pods pull by exactly those digests, the modelcar init container included.
    const deployment = await clone.read('dist/staging/inference.yaml');
    expect(deployment).toContain(`image: ${INFERENCE}:1.2.0@${pinned}`);
    expect(deployment).toContain(`image: ${MODELCAR}:${V.good}@${h.digests[`model:${V.good}`]}`);
    expect(deployment).not.toContain(moved);
    expect(h.github.violations).toEqual([]);
  });

  it('staging refuses a dev that runs by tag: nothing downstream of dev is resolved by tag', async () => {
    await editEnv('dev', (f) => f.setImage('1.2.0', undefined), 'chore(dev): image 1.2.0 by tag');
    const r = await promote(h.ctx(), { env: 'staging' });
    expect(r.status).toBe('refused');
    expect(imageGate(r)).toMatchObject({ ok: false });
    expect(imageGate(r).detail).toBe(
      'environments/dev.yaml runs by tag (no image.digest): staging takes only digests; promote dev again so it pins them',
    );
  });

  it('staging refuses a dev whose pinned sha256 is not what the model registry records', async () => {
    await editEnv(
      'dev',
      (f) => {
        f.setImage('1.2.0', h.digests['inference:1.2.0']);
        f.setModel(V.good, 'f'.repeat(64), h.digests[`model:${V.good}`]);
      },
      'chore(dev): model sha256 edited by hand',
    );
    const r = await promote(h.ctx(), { env: 'staging' });
    expect(r.status).toBe('refused');
    expect(imageGate(r).detail).toContain(`environments/dev.yaml pins model.onnx sha256 ${'f'.repeat(64)}`);
  });
});
