import { describe, expect, it } from 'vitest';
import { NO_LABEL, RecentPredictions } from '../../src/feedback/recent-predictions.ts';

const probs = (...p: number[]) => Float32Array.from(p);
const values = (a: Float32Array | undefined) => (a ? [...a] : undefined);

describe('RecentPredictions', () => {
  it('keeps at most maxPassengers passengers, evicting the oldest requests first', () => {
    const recent = new RecentPredictions(5);
    recent.add('a', 'v1', probs(0.1, 0.2));
    recent.add('b', 'v1', probs(0.3));
    recent.add('c', 'v2', probs(0.4, 0.5), { version: 'v3', probabilities: probs(0.6, 0.7) });
    expect(recent.size).toBe(3);
    recent.add('d', 'v1', probs(0.6, 0.7));
    expect(recent.get('a')).toBeUndefined();
    expect(recent.get('b')).toBeDefined();
    const c = recent.get('c')!;
    expect(c.modelVersion).toBe('v2');
    expect(values(c.probabilities)).toEqual(values(probs(0.4, 0.5)));
    expect(c.shadow?.version).toBe('v3');
    expect(values(c.shadow?.probabilities)).toEqual(values(probs(0.6, 0.7)));
    expect(recent.get('d')!.shadow).toBeUndefined();
    expect([...recent.get('d')!.labels]).toEqual([NO_LABEL, NO_LABEL]);
    recent.add('e', 'v1', probs(0.8));
    expect(recent.get('b')).toBeUndefined();
  });

  it('keeps a request whole: one that does not fit before the end of the ring starts at its beginning', () => {
    const recent = new RecentPredictions(5);
    recent.add('a', 'v1', probs(0.1, 0.2, 0.3));
    recent.add('b', 'v1', probs(0.4));
    recent.add('c', 'v1', probs(0.5, 0.6));
    // c could not go after b (one position left): it took a's, and b is still held.
    expect(recent.get('a')).toBeUndefined();
    expect(values(recent.get('b')!.probabilities)).toEqual(values(probs(0.4)));
    expect(values(recent.get('c')!.probabilities)).toEqual(values(probs(0.5, 0.6)));
  });

  it('labels reach the memory while the request is held, and only the copy once it is gone', () => {
    const recent = new RecentPredictions(3);
    recent.add('a', 'v1', probs(0.1, 0.2));
    const a = recent.get('a')!;
    recent.setLabel(a, 1, 2);
    expect(recent.labelAt(recent.get('a')!, 1)).toBe(2);
    expect(recent.labelAt(recent.get('a')!, 0)).toBe(NO_LABEL);

    const stale = recent.get('a')!;
    recent.add('b', 'v1', probs(0.3, 0.4));
    recent.add('c', 'v1', probs(0.5));
    expect(recent.get('a')).toBeUndefined();
    // The copy keeps what it saw; writing to it leaves the requests now in those positions alone.
    expect(recent.labelAt(stale, 1)).toBe(2);
    recent.setLabel(stale, 0, 1);
    expect(recent.labelAt(stale, 0)).toBe(1);
    expect([...recent.get('b')!.labels, ...recent.get('c')!.labels]).toEqual([0, 0, 0]);
  });

  it('a request id seen again is held at its newest slot; the older slot never evicts it', () => {
    const recent = new RecentPredictions(3);
    recent.add('a', 'v1', probs(0.1));
    recent.add('b', 'v1', probs(0.2));
    recent.put('a', { modelVersion: 'v9', probabilities: probs(0.9), labels: Uint8Array.of(2) });
    recent.add('c', 'v1', probs(0.3));
    expect(recent.get('a')?.modelVersion).toBe('v9');
    expect(recent.labelAt(recent.get('a')!, 0)).toBe(2);
    recent.add('d', 'v1', probs(0.4));
    expect(recent.get('b')).toBeUndefined();
    expect(recent.get('a')).toBeDefined();
    expect(recent.get('c')).toBeDefined();
    expect(recent.get('d')).toBeDefined();
  });

  it('ignores a request larger than the whole memory, and stays bounded over many requests', () => {
    const recent = new RecentPredictions(100);
    recent.add('huge', 'v1', new Float32Array(101));
    expect(recent.get('huge')).toBeUndefined();
    for (let i = 0; i < 10_000; i++) recent.add(`r${i}`, 'v1', new Float32Array(1 + (i % 3)).fill(i));
    expect(recent.get('r9999')!.probabilities[0]).toBe(9999);
    let held = 0;
    for (let i = 0; i < 10_000; i++) {
      const p = recent.get(`r${i}`);
      if (!p) continue;
      held += p.probabilities.length;
      expect(p.probabilities.every((v) => v === i)).toBe(true);
    }
    expect(held).toBeLessThanOrEqual(100);
    expect(held).toBeGreaterThan(95);
    expect(recent.size).toBeLessThanOrEqual(100);
  });
});
