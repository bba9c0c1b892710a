import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTimeFormatter } from '../../src/telemetry/iso-time.ts';

// Milliseconds from 1970 to 2100, drawn from a few nearby values so repeats and returns happen.
const epochMs = fc.oneof(
  fc.integer({ min: 0, max: 4_102_444_800_000 }),
  fc.constantFrom(1_764_072_000_000, 1_764_072_000_001, 1_764_072_000_999),
);

describe('isoTimeFormatter', () => {
  it('formats every sequence of times exactly as Date#toISOString', () => {
    fc.assert(
      fc.property(fc.array(epochMs, { maxLength: 50 }), (times) => {
        const format = isoTimeFormatter();
        expect(times.map(format)).toEqual(times.map((ms) => new Date(ms).toISOString()));
      }),
    );
  });

  it('keeps one entry per formatter, so two clocks never see each other’s time', () => {
    const a = isoTimeFormatter();
    const b = isoTimeFormatter();
    expect(a(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(b(1)).toBe('1970-01-01T00:00:00.001Z');
    expect(a(0)).toBe('1970-01-01T00:00:00.000Z');
  });
});
