import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EnvironmentFile } from '../src/env-file.ts';
import { PromoterError } from '../src/errors.ts';

const PROJECT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const prod = readFileSync(join(PROJECT, 'environments/prod.yaml'), 'utf8');

describe('EnvironmentFile', () => {
  it('edits only the promoted fields and keeps every comment and all other lines', () => {
    const file = EnvironmentFile.parse('prod', prod);
    file.setImage('1.4.0', `sha256:${'a'.repeat(64)}`);
    file.setModel('2026.12.01-1', 'b'.repeat(64), `sha256:${'c'.repeat(64)}`);
    const out = file.toString();
    const before = prod.split('\n');
    const after = out.split('\n');
    expect(after.filter((l) => l.trim().startsWith('#'))).toEqual(
      before.filter((l) => l.trim().startsWith('#')),
    );
    const removed = before.filter((l) => !after.includes(l));
    const added = after.filter((l) => !before.includes(l));
    // prod pins both digests already: they are replaced in place.
    expect(removed.map((l) => l.trim().split(':')[0])).toEqual([
      'tag',
      'digest',
      'version',
      'sha256',
      'digest',
    ]);
    expect(added.map((l) => l.trim())).toEqual([
      'tag: 1.4.0',
      `digest: sha256:${'a'.repeat(64)}`,
      'version: 2026.12.01-1',
      `sha256: "${'b'.repeat(64)}"`,
      `digest: sha256:${'c'.repeat(64)}`,
    ]);
    expect(EnvironmentFile.parse('prod', out).value().image.tag).toBe('1.4.0');
  });

  it('keeps a numeric-looking tag a string', () => {
    const file = EnvironmentFile.parse('prod', prod);
    file.setImage('1.4', undefined);
    expect(file.toString()).toContain('tag: "1.4"');
    expect(EnvironmentFile.parse('prod', file.toString()).value().image.tag).toBe('1.4');
  });

  it('adds holds without duplicates, and names file and key of a bad file', () => {
    const file = EnvironmentFile.parse('prod', prod);
    const hold = { model: '2026.12.01-1', reason: 'drift', since: '2026-11-25T10:00:00Z', by: 'oncall' };
    file.addHold(hold);
    file.addHold(hold);
    expect(file.value().promotion.holds).toEqual([hold]);
    const bad = () => EnvironmentFile.parse('prod', prod.replace('minimumSoak: 24h', 'minimumSoak: soon'));
    expect(bad).toThrow(PromoterError);
    expect(bad).toThrow(/environments\/prod\.yaml: promotion\.minimumSoak/);
  });
});
