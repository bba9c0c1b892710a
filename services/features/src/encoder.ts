import { z } from 'zod';
import {
  EMPTY_GROUPS,
  fitGroups,
  groupStats,
  groupTableSchema,
  isWomanOrChild,
  memberIdOf,
} from './groups.ts';
import type { Passenger } from './passenger.ts';
import { TITLES, type Title, titleOf } from './title.ts';

/**
 * Imputation parameters. They are LEARNED from the training rows (per CV fold during model
 * selection, on all rows for the shipped model) and stored in model.json, so serving imputes
 * exactly as training did.
 */
export const encoderParamsSchema = z.object({
  ageMedianByTitle: z.record(z.enum(TITLES), z.number()),
  ageMedian: z.number(),
  fareMedianByClass: z.object({ '1': z.number(), '2': z.number(), '3': z.number() }),
  embarkedMode: z.enum(['S', 'C', 'Q']),
  /** Travel-group outcomes of the training passengers (see groups.ts); absent = no group features. */
  groups: groupTableSchema.optional(),
});
export type EncoderParams = z.infer<typeof encoderParamsSchema>;

const DECKS = ['A', 'B', 'C', 'D', 'E', 'F', 'G'] as const;

/** Column order of the encoded matrix; the ONNX model's input follows it exactly. */
export const FEATURE_NAMES = [
  'pclass',
  'pclass_1',
  'pclass_2',
  'pclass_3',
  'sex_female',
  'sex_male',
  'age',
  'age_missing',
  'is_child',
  'sibsp',
  'parch',
  'family_size',
  'is_alone',
  'fare',
  'log_fare',
  'fare_per_person',
  'has_cabin',
  ...DECKS.map((d) => `deck_${d}`),
  ...TITLES.map((t) => `title_${t.toLowerCase()}`),
  'embarked_c',
  'embarked_q',
  'embarked_s',
  'female_x_pclass_3',
  'group_known_members',
  'group_survival',
  'group_has_known',
  'group_wc_survival',
  'wc_group_survival',
  'wc_group_outcome',
] as const;
export const FEATURE_COUNT = FEATURE_NAMES.length;

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Learns imputation parameters (and, given the labels, the travel-group table) from training
 * passengers only.
 */
export function fitEncoder(rows: readonly Passenger[], labels?: ArrayLike<number>): EncoderParams {
  if (labels && labels.length !== rows.length) throw new Error('fitEncoder: one label per passenger');
  const ages = rows.flatMap((r) => (r.age == null ? [] : [r.age]));
  const ageMedian = median(ages);
  if (Number.isNaN(ageMedian)) throw new Error('fitEncoder: no passenger with a known age');
  const ageMedianByTitle = {} as Record<Title, number>;
  for (const t of TITLES) {
    const m = median(rows.flatMap((r) => (r.age != null && titleOf(r.name, r.sex) === t ? [r.age] : [])));
    ageMedianByTitle[t] = Number.isNaN(m) ? ageMedian : m;
  }
  const fareAll = median(rows.flatMap((r) => (r.fare == null ? [] : [r.fare])));
  const fareMedian = (c: number) => {
    const m = median(rows.flatMap((r) => (r.pclass === c && r.fare != null ? [r.fare] : [])));
    return Number.isNaN(m) ? fareAll : m;
  };
  const ports = { S: 0, C: 0, Q: 0 };
  for (const r of rows) if (r.embarked) ports[r.embarked]++;
  const embarkedMode = (['S', 'C', 'Q'] as const).reduce((a, b) => (ports[b] > ports[a] ? b : a));
  return {
    ageMedianByTitle,
    ageMedian,
    fareMedianByClass: { '1': fareMedian(1), '2': fareMedian(2), '3': fareMedian(3) },
    embarkedMode,
    ...(labels ? { groups: fitGroups(rows, labels) } : {}),
  };
}

function deckOf(cabin: string | null | undefined): string | null {
  const letter = cabin?.trim().charAt(0).toUpperCase();
  if (!letter) return null;
  if (letter === 'T') return 'A'; // the single boat-deck cabin sits above A
  return (DECKS as readonly string[]).includes(letter) ? letter : null;
}

/**
 * Writes one passenger's features into `out` at `offset` (float32, the model's precision).
 * `self` is the passenger's member id in `params.groups` (its own outcome is left out of its
 * group features), -1 for a passenger outside the table. Left undefined, it is looked up by
 * identity (groups.ts `identityKey`): a training passenger sent to the server is encoded
 * leave-one-out, exactly as cross-validation and the training matrix saw it.
 */
export function encodeInto(
  p: Passenger,
  params: EncoderParams,
  out: Float32Array,
  offset: number,
  self?: number,
): void {
  const title = titleOf(p.name, p.sex, p.age);
  const age = p.age ?? params.ageMedianByTitle[title] ?? params.ageMedian;
  const fare = p.fare ?? params.fareMedianByClass[String(p.pclass) as '1' | '2' | '3'];
  const embarked = p.embarked ?? params.embarkedMode;
  const family = p.sibsp + p.parch + 1;
  const deck = deckOf(p.cabin);
  const female = p.sex === 'female' ? 1 : 0;
  const groups = params.groups ?? EMPTY_GROUPS;
  const g = groupStats(p, groups, self ?? memberIdOf(p, groups));
  const wc = isWomanOrChild(p);
  const wcSurvival = g.knownWomenChildren ? g.survivedWomenChildren / g.knownWomenChildren : 0.5;
  const wcOutcome =
    g.knownWomenChildren === 0
      ? 0.5
      : g.survivedWomenChildren === 0
        ? 0
        : g.survivedWomenChildren === g.knownWomenChildren
          ? 1
          : 0.5;
  // Straight into the matrix, column by column in FEATURE_NAMES order: a temporary list per
  // passenger was most of the encoder's cost. Each value is the same double as before, rounded
  // to float32 on store, so the output is bit-identical.
  let o = offset;
  out[o++] = p.pclass;
  out[o++] = p.pclass === 1 ? 1 : 0;
  out[o++] = p.pclass === 2 ? 1 : 0;
  out[o++] = p.pclass === 3 ? 1 : 0;
  out[o++] = female;
  out[o++] = 1 - female;
  out[o++] = age;
  out[o++] = p.age == null ? 1 : 0;
  out[o++] = age < 14 ? 1 : 0;
  out[o++] = p.sibsp;
  out[o++] = p.parch;
  out[o++] = family;
  out[o++] = family === 1 ? 1 : 0;
  out[o++] = fare;
  out[o++] = Math.log1p(fare);
  out[o++] = fare / family;
  out[o++] = deck ? 1 : 0;
  for (const d of DECKS) out[o++] = deck === d ? 1 : 0;
  for (const t of TITLES) out[o++] = title === t ? 1 : 0;
  out[o++] = embarked === 'C' ? 1 : 0;
  out[o++] = embarked === 'Q' ? 1 : 0;
  out[o++] = embarked === 'S' ? 1 : 0;
  out[o++] = female && p.pclass === 3 ? 1 : 0;
  out[o++] = Math.min(g.known, 6);
  out[o++] = g.known ? g.survived / g.known : 0.5;
  out[o++] = g.known ? 1 : 0;
  out[o++] = wcSurvival;
  out[o++] = wc ? wcSurvival : 0.5;
  out[o++] = wc ? wcOutcome : 0;
}

/**
 * Row-major [N, F] float32 matrix: the ONNX model's input tensor data. Training passes each
 * row's member id in `params.groups` (or -1 for a held-out row) so no row sees its own label;
 * serving passes nothing and training passengers are recognised by identity instead.
 */
export function encodeBatch(
  passengers: readonly Passenger[],
  params: EncoderParams,
  selfIds?: ArrayLike<number>,
): Float32Array {
  const out = new Float32Array(passengers.length * FEATURE_COUNT);
  for (let i = 0; i < passengers.length; i++)
    encodeInto(passengers[i]!, params, out, i * FEATURE_COUNT, selfIds?.[i]);
  return out;
}

export function encode(p: Passenger, params: EncoderParams): Float32Array {
  return encodeBatch([p], params);
}
