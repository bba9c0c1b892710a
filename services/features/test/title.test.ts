import { describe, expect, it } from 'vitest';
import { titleOf } from '../src/title.ts';

describe('titleOf', () => {
  it.each([
    ['Braund, Mr. Owen Harris', 'Mr'],
    ['Cumings, Mrs. John Bradley (Florence Briggs Thayer)', 'Mrs'],
    ['Heikkinen, Miss. Laina', 'Miss'],
    ['Palsson, Master. Gosta Leonard', 'Master'],
    ['Aubart, Mme. Leontine Pauline', 'Mrs'],
    ['Sagesser, Mlle. Emma', 'Miss'],
    ['Uruchurtu, Don. Manuel E', 'Rare'],
    ['Rothes, the Countess. of (Lucy Noel Martha Dyer-Edwards)', 'Rare'],
    ['Byles, Rev. Thomas Roussel Davids', 'Rare'],
  ])('%s → %s', (name, title) => {
    expect(titleOf(name, 'male')).toBe(title);
  });

  it('falls back to sex and age without a usable name', () => {
    expect(titleOf(undefined, 'male', 8)).toBe('Master');
    expect(titleOf(null, 'male', 30)).toBe('Mr');
    expect(titleOf('', 'female', 10)).toBe('Miss');
    expect(titleOf('no comma here', 'female', null)).toBe('Mrs');
  });
});
