import { describe, expect, it } from 'vitest';
import { singlePodDeployment } from '../../src/charts/single-pod-deployment.ts';

const placement = { envName: 'qa', namespace: 'titanic-qa' };
const labels = { 'app.kubernetes.io/name': 'bot', 'app.kubernetes.io/version': '2' };
const podSpec = { containers: [{ name: 'bot', image: 'bot:2' }] };

describe('singlePodDeployment', () => {
  it('runs one pod, stopped before its successor starts, selected by name and instance only', () => {
    const d = singlePodDeployment(placement, 'bot', labels, { podSpec });
    expect(d.metadata).toEqual({ name: 'bot', namespace: 'titanic-qa', labels });
    expect(d.spec?.replicas).toBe(1);
    expect(d.spec?.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec?.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'bot',
      'app.kubernetes.io/instance': 'bot-qa',
    });
    expect(d.spec?.template).toEqual({ metadata: { labels }, spec: podSpec });
    expect(d.spec).not.toHaveProperty('revisionHistoryLimit');
  });

  it('carries pod annotations and a revision history limit when given', () => {
    const d = singlePodDeployment(placement, 'bot', labels, {
      podSpec,
      podAnnotations: { 'titanic.ml/config-hash': 'abc' },
      revisionHistoryLimit: 3,
    });
    expect(d.spec?.template.metadata?.annotations).toEqual({ 'titanic.ml/config-hash': 'abc' });
    expect(d.spec?.revisionHistoryLimit).toBe(3);
  });
});
