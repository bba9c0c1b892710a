import { passengerSchema } from '@titanic/features';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPlainPassenger, plainPassengers } from '../../src/http/passenger-check.ts';
import { batchRequest } from '../../src/http/schemas.ts';
import { PASSENGER } from '../support.ts';

/** Values near every field's limits, of every JSON type. */
const value = fc.oneof(
  fc.constantFrom(null, true, '', 'male', 'female', 'S', 'C', 'Q', 'x', 'a'.repeat(101), 'a'.repeat(201)),
  fc.constantFrom(-1, -0.5, 0, 0.5, 1, 2, 3, 3.5, 4, 20, 21, 119.5, 120, 120.5, 10_000, 10_000.5),
  fc.double(),
  fc.string({ maxLength: 5 }),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 1 }),
);
const key = fc.constantFrom(...Object.keys(PASSENGER), 'name', 'cabin', 'ticket', 'extra', '__proto__');
const candidate = fc
  .tuple(fc.dictionary(key, value, { maxKeys: 4 }), fc.boolean())
  .map(([changes, keepBase]) => ({ ...(keepBase ? PASSENGER : {}), ...changes }));

describe('the passenger fast path', () => {
  it('accepts only what the zod schema accepts, unchanged', () => {
    fc.assert(
      fc.property(candidate, (p) => {
        const parsed = passengerSchema.safeParse(p);
        if (isPlainPassenger(p)) {
          expect(parsed.success).toBe(true);
          expect(parsed.data).toEqual(p);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('takes ordinary passengers and batches', () => {
    const named = { ...PASSENGER, name: 'Braund, Mr. Owen Harris', cabin: null, ticket: 'A/5 21171' };
    expect(isPlainPassenger(PASSENGER)).toBe(true);
    expect(isPlainPassenger({ ...named, age: null, fare: null, embarked: null })).toBe(true);
    expect(plainPassengers({ passengers: [PASSENGER, named] })).toEqual([PASSENGER, named]);
    expect(batchRequest.safeParse({ passengers: [PASSENGER, named] }).success).toBe(true);
    expect(plainPassengers({ passengers: [] })).toBeUndefined();
    expect(plainPassengers({ passengers: [PASSENGER], more: 1 })).toBeUndefined();
    expect(plainPassengers({ passengers: [{ ...PASSENGER, pclass: 4 }] })).toBeUndefined();
  });
});
