import { describe, expect, it } from 'vitest';
import { labelAt, RecentPredictions, setLabel } from '../../src/feedback/recent-predictions.ts';

const probs = (...p: number[]) => Float32Array.from(p);

describe('RecentPredictions', () => {
  it('keeps at most maxPassengers passengers, evicting the oldest requests first', () => {
    const recent = new RecentPredictions(5);
    recent.add('a', 'v1', probs(0.1, 0.2));
    recent.add('b', 'v1', probs(0.3));
    recent.add('c', 'v1', probs(0.4, 0.5));
    expect(recent.size).toBe(3);
    recent.add('d', 'v1', probs(0.6, 0.7));
    expect(recent.get('a')).toBeUndefined();
    expect(recent.get('b')).toBeDefined();
    expect([...recent.get('c')!.probabilities]).toEqual([...probs(0.4, 0.5)]);
    expect(recent.get('d')!.labels).toBeUndefined();
    setLabel(recent.get('d')!, 1, 2);
    expect([labelAt(recent.get('d')!, 0), labelAt(recent.get('d')!, 1)]).toEqual([0, 2]);
    expect(recent.size).toBe(3);
    recent.add('e', 'v1', probs(0.8));
    expect(recent.get('b')).toBeUndefined();
  });

  it('a request put again is the newest: its older slot no longer evicts it', () => {
    const recent = new RecentPredictions(3);
    recent.add('a', 'v1', probs(0.1));
    recent.add('b', 'v1', probs(0.2));
    recent.put('a', { modelVersion: 'v1', probabilities: probs(0.1), labels: Uint8Array.of(2) });
    recent.add('c', 'v1', probs(0.3));
    recent.add('d', 'v1', probs(0.4));
    expect(recent.get('b')).toBeUndefined();
    expect(labelAt(recent.get('a')!, 0)).toBe(2);
    expect(recent.get('c')).toBeDefined();
    expect(recent.get('d')).toBeDefined();
  });

  it('ignores a request larger than the whole memory, and stays bounded over many requests', () => {
    const recent = new RecentPredictions(100);
    recent.add('huge', 'v1', new Float32Array(101));
    expect(recent.get('huge')).toBeUndefined();
    for (let i = 0; i < 10_000; i++) recent.add(`r${i}`, 'v1', new Float32Array(1 + (i % 3)));
    expect(recent.get('r9999')).toBeDefined();
    let held = 0;
    for (let i = 0; i < 10_000; i++) held += recent.get(`r${i}`)?.probabilities.length ?? 0;
    expect(held).toBeLessThanOrEqual(100);
    expect(held).toBeGreaterThan(97);
  });
});
