import { describe, expect, it } from 'vitest';
import { PromoterError } from '../src/errors.ts';
import {
  findReleased,
  formatReleaseRecord,
  parsePushed,
  parseReleaseRecord,
  releaseRecordSchema,
} from '../src/release-record.ts';

const D = (c: string) => `sha256:${c.repeat(64)}`;
const COMMIT = 'a'.repeat(40);

describe('release records', () => {
  it('parses what the release workflow passes, one argument per pushed image', () => {
    expect(
      parsePushed(`inference=ghcr.io/titanic-ml/titanic-inference:0.1.0-0123456789ab@${D('1')}`),
    ).toEqual({
      name: 'inference',
      repository: 'ghcr.io/titanic-ml/titanic-inference',
      tag: '0.1.0-0123456789ab',
      digest: D('1'),
    });
    expect(
      parsePushed(`modelcar:2026.12.02-1=ghcr.io/titanic-ml/titanic-model:2026.12.02-1@${D('2')}`),
    ).toEqual({
      name: 'modelcar',
      model: '2026.12.02-1',
      repository: 'ghcr.io/titanic-ml/titanic-model',
      tag: '2026.12.02-1',
      digest: D('2'),
    });
    // A registry with a port keeps it in the repository.
    expect(parsePushed(`promoter=localhost:5000/titanic-promoter:1.0.0-abc@${D('3')}`).repository).toBe(
      'localhost:5000/titanic-promoter',
    );
    for (const bad of [
      'inference=ghcr.io/titanic-ml/titanic-inference:0.1.0',
      `other=ghcr.io/x/y:1@${D('1')}`,
      `inference=ghcr.io/titanic-ml/titanic-inference@${D('1')}`,
      `modelcar:not-a-version=ghcr.io/titanic-ml/titanic-model:x@${D('1')}`,
    ])
      expect(() => parsePushed(bad), bad).toThrow(PromoterError);
  });

  it('writes byte-stable text whatever the order of the artifacts', () => {
    const artifacts = [
      parsePushed(`promoter=ghcr.io/titanic-ml/titanic-promoter:1-a@${D('3')}`),
      parsePushed(`modelcar:2026.12.02-1=ghcr.io/titanic-ml/titanic-model:2026.12.02-1@${D('2')}`),
      parsePushed(`modelcar:2026.11.25-1=ghcr.io/titanic-ml/titanic-model:2026.11.25-1@${D('4')}`),
      parsePushed(`inference=ghcr.io/titanic-ml/titanic-inference:1-a@${D('1')}`),
    ];
    const one = formatReleaseRecord({ schemaVersion: 1, commit: COMMIT, artifacts });
    const two = formatReleaseRecord({
      schemaVersion: 1,
      commit: COMMIT,
      artifacts: [...artifacts].reverse(),
    });
    expect(one).toBe(two);
    const back = parseReleaseRecord('releases/x.json', one);
    expect(back.artifacts.map((a) => a.model ?? a.name)).toEqual([
      'inference',
      '2026.11.25-1',
      '2026.12.02-1',
      'promoter',
    ]);
    expect(one.endsWith('}\n')).toBe(true);
  });

  it('names the file and the field of a bad record', () => {
    expect(() => parseReleaseRecord('releases/bad.json', '{')).toThrow(/^releases\/bad\.json: /);
    const record = {
      schemaVersion: 1,
      commit: COMMIT,
      artifacts: [{ name: 'inference', repository: 'ghcr.io/a/b', tag: '1', digest: 'sha256:zz' }],
    };
    expect(() => parseReleaseRecord('releases/bad.json', JSON.stringify(record))).toThrow(
      'releases/bad.json: artifacts.0.digest: expected "sha256:" + 64 hex characters',
    );
    expect(releaseRecordSchema.safeParse({ ...record, commit: 'abc' }).success).toBe(false);
  });

  it('finds every record that names a repository and tag', () => {
    const a = parsePushed(`inference=ghcr.io/titanic-ml/titanic-inference:1-a@${D('1')}`);
    const b = parsePushed(`inference=ghcr.io/titanic-ml/titanic-inference:1-b@${D('2')}`);
    const records = [
      { path: 'releases/1.json', record: { schemaVersion: 1 as const, commit: COMMIT, artifacts: [a] } },
      { path: 'releases/2.json', record: { schemaVersion: 1 as const, commit: COMMIT, artifacts: [a, b] } },
    ];
    expect(findReleased(records, a.repository, '1-a').map((r) => r.path)).toEqual([
      'releases/1.json',
      'releases/2.json',
    ]);
    expect(findReleased(records, a.repository, '1-b')).toEqual([{ path: 'releases/2.json', artifact: b }]);
    expect(findReleased(records, 'ghcr.io/titanic-ml/titanic-model', '1-a')).toEqual([]);
  });
});
