import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelVersions } from '../src/models.ts';
import { type Harness, startHarness, V } from './support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('modelVersions', () => {
  it('lists registered versions newest first, 2026.11.27-10 before 2026.11.27-9', async () => {
    const clone = await h.clone();
    for (const version of ['2026.11.27-9', '2026.11.27-10'])
      await clone.write(`models/titanic/${version}/model.json`, '{}\n');
    await clone.write('models/titanic/README.md', 'not a version\n');
    const sha = await clone.commitAll('Register two versions of one day');
    await clone.push();
    const versions = await modelVersions(h.ctx().repo, sha, 'titanic');
    expect(versions.slice(0, 2)).toEqual(['2026.11.27-10', '2026.11.27-9']);
    expect(versions).toContain(V.next);
    expect(versions).not.toContain('README.md');
  });
});
