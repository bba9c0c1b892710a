import { describe, expect, it } from 'vitest';
import {
  familyKey,
  fitGroups,
  groupStats,
  identityKey,
  isWomanOrChild,
  memberIdOf,
  ticketKey,
} from '../src/groups.ts';
import type { Passenger } from '../src/passenger.ts';

const p = (over: Partial<Passenger>): Passenger => ({
  pclass: 3,
  sex: 'male',
  age: 30,
  sibsp: 0,
  parch: 0,
  fare: 7.25,
  ...over,
});

describe('travel groups', () => {
  it('normalises tickets and builds family keys from surname, class and fare', () => {
    expect(ticketKey(p({ ticket: '  a/5   21171 ' }))).toBe('A/5 21171');
    expect(ticketKey(p({ ticket: '' }))).toBeNull();
    expect(familyKey(p({ name: 'Braund, Mr. Owen Harris' }))).toBe('braund|3|73');
    expect(familyKey(p({ name: 'Braund, Mr. Owen Harris', fare: null }))).toBeNull();
    expect(familyKey(p({ name: 'Nobody' }))).toBeNull();
  });

  it('counts women and children by sex, title and age', () => {
    expect(isWomanOrChild(p({ sex: 'female' }))).toBe(true);
    expect(isWomanOrChild(p({ name: 'X, Master. Y', age: null }))).toBe(true);
    expect(isWomanOrChild(p({ age: 9 }))).toBe(true);
    expect(isWomanOrChild(p({ name: 'X, Mr. Y' }))).toBe(false);
  });

  it('joins ticket and family groups without double counting and excludes the passenger itself', () => {
    const rows = [
      p({ name: 'A, Mrs. B', sex: 'female', ticket: 'T1' }),
      p({ name: 'A, Master. C', age: 5, ticket: 'T1' }),
      p({ name: 'A, Mr. D', ticket: 'T2' }), // same family key as the others, other ticket
      p({ name: 'E, Mr. F', ticket: 'T3', fare: 50 }),
    ];
    const table = fitGroups(rows, [1, 1, 0, 0]);
    expect(groupStats(rows[2]!, table, 2)).toEqual({
      known: 2,
      survived: 2,
      knownWomenChildren: 2,
      survivedWomenChildren: 2,
    });
    expect(groupStats(rows[0]!, table, 0)).toEqual({
      known: 2,
      survived: 1,
      knownWomenChildren: 1,
      survivedWomenChildren: 1,
    });
    expect(groupStats(rows[3]!, table, 3).known).toBe(0);
    expect(groupStats(p({ ticket: 'T3' }), table).known).toBe(1);
  });

  it('recognises a training passenger by name, ticket, class and sex', () => {
    const rows = [
      p({ name: 'Braund, Mr. Owen Harris', ticket: 'A/5 21171' }),
      p({ name: 'Twin, Mr. A', ticket: 'T9' }),
      p({ name: 'twin,  Mr. A', ticket: 't9' }), // the same identity twice: ambiguous
      p({ name: 'No Ticket, Mr. A' }),
    ];
    const table = fitGroups(rows, [0, 1, 0, 1]);
    expect(identityKey(rows[0]!)).toBe('braund, mr. owen harris|A/5 21171|3|male');
    expect(identityKey(rows[3]!)).toBeNull();
    expect(memberIdOf(p({ name: ' Braund,  Mr. Owen Harris', ticket: 'a/5  21171', age: null }), table)).toBe(
      0,
    );
    expect(memberIdOf(p({ name: 'Braund, Mr. Owen Harris', ticket: 'A/5 21171', pclass: 1 }), table)).toBe(
      -1,
    );
    expect(memberIdOf(rows[1]!, table)).toBe(-1);
    expect(memberIdOf(p({ name: 'constructor', ticket: '__proto__' }), table)).toBe(-1);
    expect(memberIdOf(rows[0]!, { ...table, identity: undefined })).toBe(-1);
  });
});
