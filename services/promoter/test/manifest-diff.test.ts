import { describe, expect, it } from 'vitest';
import { parseTrailers } from '../src/context.ts';
import { durationSeconds, formatDuration } from '../src/evidence.ts';
import { summariseManifests } from '../src/manifest-diff.ts';
import { parseChallenge } from '../src/registry.ts';

const deployment = (image: string) =>
  `---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: inference\n  namespace: titanic-prod\nspec:\n  template:\n    spec:\n      containers:\n        - name: server\n          image: ${image}\n`;

describe('summariseManifests', () => {
  it('lists changed objects with the leaf fields that changed, and added/removed objects', () => {
    const cm = '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old\n  namespace: titanic-prod\n';
    const before = { 'dist/prod/inference.yaml': deployment('a:1') + cm };
    const after = { 'dist/prod/inference.yaml': deployment('a:2') };
    expect(summariseManifests(before, after)).toEqual([
      { object: 'ConfigMap titanic-prod/old', change: 'removed', fields: [] },
      {
        object: 'Deployment titanic-prod/inference',
        change: 'changed',
        fields: ['spec.template.spec.containers[0].image'],
      },
    ]);
  });
});

describe('trailers, durations and registry challenges', () => {
  it('reads commit trailers from the last paragraph only', () => {
    const message =
      'promote(prod): titanic 1, image 2\n\nBody: not a trailer here\nmore\n\nPromote-Env: prod\nPromote-Model: 1\n';
    expect(parseTrailers(message)).toEqual({ 'Promote-Env': 'prod', 'Promote-Model': '1' });
  });

  it('parses durations and registry challenges', () => {
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(formatDuration(90061)).toBe('1d1h1m');
    expect(
      parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/n:pull"'),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:o/n:pull' },
    });
  });
});
