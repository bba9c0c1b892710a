import { describe, expect, it } from 'vitest';
import { LiveWindow } from '../../src/feedback/live-window.ts';

describe('LiveWindow', () => {
  it('scores accuracy, Brier and log loss over the labelled predictions', () => {
    const w = new LiveWindow(10, 0.5);
    w.add('a', 0.8, true);
    w.add('a', 0.3, true);
    w.add('a', 0.1, false);
    const s = w.scores('a')!;
    expect(s.labelled).toBe(3);
    expect(s.accuracy).toBeCloseTo(2 / 3, 12);
    expect(s.brier).toBeCloseTo((0.04 + 0.49 + 0.01) / 3, 12);
    expect(s.logLoss).toBeCloseTo(-(Math.log(0.8) + Math.log(0.3) + Math.log(0.9)) / 3, 12);
    expect(w.scores('b')).toBeUndefined();
  });

  it('slides: only the most recent labels count', () => {
    const w = new LiveWindow(2, 0.5);
    w.add('a', 0.9, false);
    w.add('a', 1, true);
    w.add('a', 0, false);
    expect(w.scores('a')).toEqual({ labelled: 2, accuracy: 1, brier: 0, logLoss: expect.any(Number) });
    expect(w.scores('a')!.logLoss).toBeLessThan(1e-10);
  });

  it('keeps versions apart and forgets the one labelled longest ago', () => {
    const w = new LiveWindow(5, 0.5, 2);
    w.add('a', 0.9, true);
    w.add('b', 0.1, true);
    w.add('a', 0.9, true);
    w.add('c', 0.5, true);
    expect(w.versions().sort()).toEqual(['a', 'c']);
    expect(w.scores('a')!.labelled).toBe(2);
  });
});
