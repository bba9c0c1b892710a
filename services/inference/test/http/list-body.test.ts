import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { listBody } from '../../src/http/list-body.ts';

const body = listBody('notes', z.string(), { max: 2, one: 'note', many: 'notes' });
const messages = (value: unknown) => body.safeParse(value).error?.issues.map((i) => i.message);

describe('listBody', () => {
  it('accepts one to max items under its key', () => {
    expect(body.parse({ notes: ['a'] })).toEqual({ notes: ['a'] });
    expect(body.parse({ notes: ['a', 'b'] })).toEqual({ notes: ['a', 'b'] });
  });

  it('names the field and the bound in every refusal', () => {
    expect(messages({ notes: 'a' })).toEqual(['notes must be a list of notes']);
    expect(messages({ notes: [] })).toEqual(['notes must hold at least one note']);
    expect(messages({ notes: ['a', 'b', 'c'] })).toEqual(['notes must hold at most 2 notes']);
    expect(messages({ notes: ['a'], extra: 1 })).toEqual(['Unrecognized key: "extra"']);
  });
});
