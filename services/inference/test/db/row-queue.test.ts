import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RowQueue } from '../../src/db/row-queue.ts';

const text = (batch: { buffers: Buffer[] }) => Buffer.concat(batch.buffers).toString('utf8');

describe('RowQueue', () => {
  it('returns rows first in, first out, across chunk boundaries and multi-byte text', () => {
    const q = new RowQueue();
    const rows = Array.from({ length: 5000 }, (_, i) => `${i}\tPassagier ${'ü'.repeat(i % 97)} ✓\n`);
    for (const r of rows) q.push(r);
    expect(q.rows).toBe(5000);
    expect(q.bytes).toBe(rows.reduce((n, r) => n + Buffer.byteLength(r), 0));
    const first = q.peek(3000, Number.POSITIVE_INFINITY);
    expect(first.rows).toBe(3000);
    expect(first.buffers.length).toBeGreaterThan(1);
    expect(text(first)).toBe(rows.slice(0, 3000).join(''));
    q.shift(3000);
    expect(text(q.peek(10_000, Number.POSITIVE_INFINITY))).toBe(rows.slice(3000).join(''));
    expect(q.clear()).toBe(2000);
    expect([q.rows, q.bytes]).toEqual([0, 0]);
    expect(q.peek(10, 10).rows).toBe(0);
  });

  it('bounds a batch by bytes but always returns at least one row, however large', () => {
    const q = new RowQueue();
    const big = `${'x'.repeat(600_000)}\n`;
    q.push(big);
    q.push('a\n');
    q.push('b\n');
    expect(q.peek(10, 100)).toMatchObject({ rows: 1, bytes: big.length });
    q.shift(1);
    expect(q.peek(10, 3)).toMatchObject({ rows: 1, bytes: 2 });
    expect(text(q.peek(10, 4))).toBe('a\nb\n');
  });

  it('keeps the rows of a peeked batch intact while later rows are pushed', () => {
    const q = new RowQueue();
    for (let i = 0; i < 900; i++) q.push(`${'r'.repeat(250)}${i}\n`);
    const batch = q.peek(900, Number.POSITIVE_INFINITY);
    const before = text(batch);
    for (let i = 0; i < 5000; i++) q.push(`${'n'.repeat(250)}${i}\n`);
    expect(text(batch)).toBe(before);
  });

  it('behaves as an array of strings under any sequence of push, peek (after sent rows), shift and clear', () => {
    const part = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 300 }));
    const row = fc.array(part, { minLength: 1, maxLength: 3 });
    const op = fc.oneof(
      { arbitrary: fc.record({ push: row }), weight: 6 },
      {
        arbitrary: fc.record({
          peek: fc.tuple(
            fc.integer({ min: 1, max: 50 }),
            fc.integer({ min: 0, max: 3000 }),
            fc.integer({ min: 0, max: 60 }),
          ),
        }),
        weight: 2,
      },
      { arbitrary: fc.record({ shift: fc.integer({ min: 0, max: 8 }) }), weight: 3 },
      { arbitrary: fc.constant({ clear: true }), weight: 1 },
    );
    fc.assert(
      // Small chunks, so that rows straddle, fill and outgrow them.
      fc.property(fc.array(op, { maxLength: 400 }), fc.integer({ min: 1, max: 8192 }), (ops, chunkBytes) => {
        const q = new RowQueue({ chunkBytes });
        let model: string[] = [];
        for (const o of ops) {
          if ('push' in o) {
            q.push(...o.push);
            model.push(o.push.join(''));
          } else if ('peek' in o) {
            const [maxRows, maxBytes, skip] = o.peek;
            const batch = q.peek(maxRows, maxBytes, skip);
            const after = model.slice(skip);
            let rows = 0;
            let bytes = 0;
            for (const r of after) {
              const size = Buffer.byteLength(r);
              if (rows === maxRows || (rows > 0 && bytes + size > maxBytes)) break;
              rows++;
              bytes += size;
            }
            expect(batch.rows).toBe(rows);
            expect(batch.bytes).toBe(bytes);
            expect(text(batch)).toBe(after.slice(0, rows).join(''));
          } else if ('shift' in o) {
            q.shift(o.shift);
            model = model.slice(o.shift);
          } else {
            expect(q.clear()).toBe(model.length);
            model = [];
          }
          expect(q.rows).toBe(model.length);
          expect(q.bytes).toBe(model.reduce((n, r) => n + Buffer.byteLength(r), 0));
        }
      }),
      { numRuns: 300 },
    );
  });
});
