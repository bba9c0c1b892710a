import { describe, expect, it } from 'vitest';
import {
  encode,
  encodeBatch,
  encoderParamsSchema,
  FEATURE_COUNT,
  FEATURE_NAMES,
  fitEncoder,
} from '../src/encoder.ts';
import type { Passenger } from '../src/passenger.ts';

const base: Passenger = { pclass: 3, sex: 'male', age: 30, sibsp: 0, parch: 0, fare: 8, embarked: 'S' };
const rows: Passenger[] = [
  { ...base, name: 'A, Mr. X', ticket: 'T1', age: 20, fare: 7 },
  {
    ...base,
    name: 'B, Mrs. Y',
    sex: 'female',
    ticket: 'T2',
    age: 40,
    pclass: 1,
    fare: 80,
    embarked: 'C',
    cabin: 'C85',
  },
  { ...base, name: 'B, Master. Z', ticket: 'T2', age: 4, pclass: 1, fare: 80, embarked: 'C' },
  {
    ...base,
    name: 'C, Miss. W',
    sex: 'female',
    ticket: 'T3',
    age: null,
    pclass: 2,
    fare: 13,
    embarked: null,
  },
  { ...base, name: 'D, Mr. V', ticket: 'T1', age: 50, fare: null },
];
const labels = [0, 1, 1, 1, 0];
const col = (name: (typeof FEATURE_NAMES)[number]) => FEATURE_NAMES.indexOf(name);

describe('fitEncoder', () => {
  it('learns medians from the rows it is given, and nothing else', () => {
    const p = fitEncoder(rows.slice(0, 3));
    expect(p.ageMedian).toBe(20);
    expect(p.ageMedianByTitle.Mrs).toBe(40);
    expect(p.ageMedianByTitle.Rare).toBe(20); // no Rare passenger: falls back to the overall median
    // No second-class fare in these rows: falls back to the median of all fares (7, 80, 80).
    expect(p.fareMedianByClass).toEqual({ '1': 80, '2': 80, '3': 7 });
    expect(p.embarkedMode).toBe('C');
    // A held-out row with an extreme age must not move the parameters.
    const outlier = { ...base, age: 80 };
    expect(fitEncoder([...rows.slice(0, 3)])).toEqual(p);
    expect(fitEncoder([...rows.slice(0, 3), outlier]).ageMedian).not.toBe(p.ageMedian);
    expect(encoderParamsSchema.parse(p)).toEqual(p);
  });

  it('refuses when no age is known', () => {
    expect(() => fitEncoder([{ ...base, age: null }])).toThrow(/no passenger with a known age/);
  });
});

describe('encode', () => {
  const params = fitEncoder(rows, labels);

  it('produces one float32 row of FEATURE_COUNT values per passenger, in FEATURE_NAMES order', () => {
    const X = encodeBatch(rows, params);
    expect(X).toBeInstanceOf(Float32Array);
    expect(X.length).toBe(rows.length * FEATURE_COUNT);
    expect(FEATURE_NAMES.length).toBe(FEATURE_COUNT);
    const mrs = X.subarray(FEATURE_COUNT, 2 * FEATURE_COUNT);
    expect(mrs[col('sex_female')]).toBe(1);
    expect(mrs[col('pclass_1')]).toBe(1);
    expect(mrs[col('deck_C')]).toBe(1);
    expect(mrs[col('has_cabin')]).toBe(1);
    expect(mrs[col('title_mrs')]).toBe(1);
    expect(mrs[col('embarked_c')]).toBe(1);
    expect(mrs[col('fare_per_person')]).toBe(80);
  });

  it('imputes missing age, fare and port with the learned parameters', () => {
    const x = encode(
      { ...base, name: 'C, Miss. W', sex: 'female', age: null, fare: null, embarked: null, pclass: 2 },
      params,
    );
    expect(x[col('age')]).toBe(params.ageMedianByTitle.Miss);
    expect(x[col('age_missing')]).toBe(1);
    expect(x[col('fare')]).toBe(params.fareMedianByClass['2']);
    expect(x[col(`embarked_${params.embarkedMode.toLowerCase()}` as 'embarked_s')]).toBe(1);
  });

  it('gives finite values for a passenger with only the required fields', () => {
    const x = encode({ pclass: 1, sex: 'female', sibsp: 0, parch: 0 }, params);
    expect(Array.from(x).every(Number.isFinite)).toBe(true);
    expect(x[col('group_has_known')]).toBe(0);
    expect(x[col('group_survival')]).toBe(0.5);
  });

  it('summarises the other members of a travel group, never the passenger itself', () => {
    // Row 2 (Master B) shares ticket T2 with row 1 (Mrs B, survived).
    const asTraining = encodeBatch(rows, params, [0, 1, 2, 3, 4]);
    const master = asTraining.subarray(2 * FEATURE_COUNT, 3 * FEATURE_COUNT);
    expect(master[col('group_known_members')]).toBe(1);
    expect(master[col('group_survival')]).toBe(1);
    expect(master[col('wc_group_outcome')]).toBe(1);
    // Row 3 travels alone: its own survival must not show up.
    const alone = asTraining.subarray(3 * FEATURE_COUNT, 4 * FEATURE_COUNT);
    expect(alone[col('group_has_known')]).toBe(0);
  });

  it('encodes a served training passenger exactly as the training matrix did', () => {
    const asTraining = encodeBatch(rows, params, [0, 1, 2, 3, 4]);
    expect(encodeBatch(rows, params)).toEqual(asTraining);
    // Omitted age, fare and port do not hide who the passenger is.
    const bare = encode({ ...rows[3]!, age: null, fare: null, embarked: null }, params);
    expect(bare[col('group_has_known')]).toBe(0);
  });

  it('shows a new passenger of a known group every known member', () => {
    // A second passenger on ticket T2 who was not in training: both members count.
    const newcomer = encode({ ...rows[2]!, name: 'B, Miss. Q', sex: 'female', age: 12 }, params);
    expect(newcomer[col('group_known_members')]).toBe(2);
    expect(newcomer[col('group_survival')]).toBe(1);
    // Same name and ticket but another class is another person.
    const other = encode({ ...rows[0]!, pclass: 2 }, params);
    expect(other[col('group_known_members')]).toBe(2);
  });

  it('treats prototype-like tickets as unknown groups', () => {
    const x = encode({ ...base, ticket: '__proto__', name: 'constructor, Mr. A' }, params);
    expect(Array.from(x).every(Number.isFinite)).toBe(true);
    expect(x[col('group_has_known')]).toBe(0);
  });
});
