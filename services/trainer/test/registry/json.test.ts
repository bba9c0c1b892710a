import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/registry/json.ts';

describe('formatJson', () => {
  it('round-trips and keeps arrays of plain values on one line', () => {
    const value = {
      a: [1, 2.5, null],
      b: {
        c: 'x',
        d: [
          [0, 1],
          [1, 1],
        ],
      },
      e: [{ f: true }],
      g: [],
      h: {},
      u: undefined,
    };
    const text = formatJson(value);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
    expect(text).toContain('"a": [1, 2.5, null]');
    expect(text).toContain('"d": [[0,1], [1,1]]');
    expect(text).toContain('"e": [\n    {\n      "f": true\n    }\n  ]');
  });
});
