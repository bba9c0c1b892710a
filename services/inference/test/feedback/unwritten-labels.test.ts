import { describe, expect, it } from 'vitest';
import { labelCode, NO_LABEL } from '../../src/feedback/recent-predictions.ts';
import { UnwrittenLabels } from '../../src/feedback/unwritten-labels.ts';

describe('UnwrittenLabels', () => {
  it('holds the last `capacity` labels by request id and index, letting the oldest go first', () => {
    const labels = new UnwrittenLabels(3);
    labels.add('a', 0, labelCode(true));
    labels.add('a', 1, labelCode(false));
    labels.add('b', 0, labelCode(true));
    expect([labels.get('a', 0), labels.get('a', 1), labels.get('b', 0)]).toEqual([
      labelCode(true),
      labelCode(false),
      labelCode(true),
    ]);
    labels.add('c', 0, labelCode(false));
    expect(labels.get('a', 0)).toBe(NO_LABEL);
    expect(labels.get('a', 1)).toBe(labelCode(false));
    expect(labels.get('c', 0)).toBe(labelCode(false));
  });

  it('counts a label given again as the newest', () => {
    const labels = new UnwrittenLabels(2);
    labels.add('a', 0, labelCode(true));
    labels.add('b', 0, labelCode(true));
    labels.add('a', 0, labelCode(true));
    labels.add('c', 0, labelCode(true));
    expect(labels.get('a', 0)).toBe(labelCode(true));
    expect(labels.get('b', 0)).toBe(NO_LABEL);
  });

  it('tells request ids that only look alike apart', () => {
    const labels = new UnwrittenLabels(10);
    labels.add('r1', 12, labelCode(true));
    expect(labels.get('r11', 2)).toBe(NO_LABEL);
  });
});
