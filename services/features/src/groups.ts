import { z } from 'zod';
import type { Passenger } from './passenger.ts';
import { titleOf } from './title.ts';

/**
 * Travel groups: passengers who share a ticket, or a surname with the same class and fare,
 * mostly travelled and were rescued (or not) together. The encoder summarises what happened
 * to the OTHER known members of a passenger's groups among the training passengers — a
 * learned lookup table, stored in model.json like the imputation medians. A passenger without
 * a ticket or name, or from a group nobody in training belonged to, gets the neutral value.
 */
export const groupTableSchema = z.object({
  /** Per training passenger: [survived 0/1, woman-or-child 0/1]; group lists index into it. */
  members: z.array(z.tuple([z.number().int().min(0).max(1), z.number().int().min(0).max(1)])),
  ticket: z.record(z.string(), z.array(z.number().int().nonnegative())),
  family: z.record(z.string(), z.array(z.number().int().nonnegative())),
  /** identityKey → member id of each training passenger that has one (see identityKey). */
  identity: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
export type GroupTable = z.infer<typeof groupTableSchema>;

export const EMPTY_GROUPS: GroupTable = { members: [], ticket: {}, family: {} };

export function ticketKey(p: Passenger): string | null {
  const t = p.ticket?.trim().toUpperCase().replace(/\s+/g, ' ');
  return t ? t : null;
}

/** "Braund, Mr. Owen Harris" in 3rd class at 7.25 → "braund|3|73". */
export function familyKey(p: Passenger): string | null {
  const surname = p.name?.split(',')[0]?.trim().toLowerCase();
  if (!surname || !p.name?.includes(',') || p.fare == null) return null;
  return `${surname}|${p.pclass}|${Math.round(p.fare * 10)}`;
}

/**
 * Who a passenger is, for recognising a training passenger at serving time: the name (trimmed,
 * inner spaces collapsed, lower case), the ticket (as ticketKey), the class and the sex. All
 * four must be present. Age, fare, port and cabin are left out on purpose: clients often omit or
 * round them, and a training passenger sent with a missing age must still not see its own outcome.
 * Name and ticket together are unique in the 1912 list, so a new passenger never collides.
 */
export function identityKey(p: Passenger): string | null {
  const name = p.name?.trim().toLowerCase().replace(/\s+/g, ' ');
  const ticket = ticketKey(p);
  if (!name || !ticket) return null;
  return `${name}|${ticket}|${p.pclass}|${p.sex}`;
}

/** The training member id of `p` (-1 for anyone not in the training passengers). */
export function memberIdOf(p: Passenger, groups: GroupTable): number {
  if (!groups.identity) return -1;
  const key = identityKey(p);
  return key !== null && Object.hasOwn(groups.identity, key) ? groups.identity[key]! : -1;
}

/** Women and children were boarded first; their fate within a group is the telling signal. */
export function isWomanOrChild(p: Passenger): boolean {
  return p.sex === 'female' || titleOf(p.name, p.sex, p.age) === 'Master' || (p.age != null && p.age < 14);
}

export function fitGroups(rows: readonly Passenger[], labels: ArrayLike<number>): GroupTable {
  const table: GroupTable = { members: [], ticket: {}, family: {}, identity: {} };
  const identity = table.identity!;
  const ambiguous = new Set<string>();
  rows.forEach((p, id) => {
    const key = identityKey(p);
    if (key !== null) {
      // Two training rows with one identity cannot be told apart at serving: recognise neither.
      if (Object.hasOwn(identity, key)) ambiguous.add(key);
      else identity[key] = id;
    }
    table.members.push([labels[id] ? 1 : 0, isWomanOrChild(p) ? 1 : 0]);
    const t = ticketKey(p);
    if (t) {
      table.ticket[t] ??= [];
      table.ticket[t].push(id);
    }
    const f = familyKey(p);
    if (f) {
      table.family[f] ??= [];
      table.family[f].push(id);
    }
  });
  for (const key of ambiguous) delete identity[key];
  return table;
}

export interface GroupStats {
  /** Other known members. */
  readonly known: number;
  readonly survived: number;
  readonly knownWomenChildren: number;
  readonly survivedWomenChildren: number;
}

/** What happened to the other known members of `p`'s groups; `self` is p's own member id when p was a training row. */
export function groupStats(p: Passenger, groups: GroupTable, self = -1): GroupStats {
  const ids = new Set<number>();
  const t = ticketKey(p);
  const f = familyKey(p);
  // Own-key lookups only: "__proto__"-like keys must not reach Object.prototype.
  if (t && Object.hasOwn(groups.ticket, t)) for (const id of groups.ticket[t]!) ids.add(id);
  if (f && Object.hasOwn(groups.family, f)) for (const id of groups.family[f]!) ids.add(id);
  ids.delete(self);
  let survived = 0;
  let knownWomenChildren = 0;
  let survivedWomenChildren = 0;
  for (const id of ids) {
    const [s, wc] = groups.members[id] ?? [0, 0];
    survived += s;
    knownWomenChildren += wc;
    survivedWomenChildren += s & wc;
  }
  return { known: ids.size, survived, knownWomenChildren, survivedWomenChildren };
}
