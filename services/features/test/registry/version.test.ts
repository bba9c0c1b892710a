import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  isModelVersion,
  newestVersion,
  versionsNewestFirst,
} from '../../src/registry/version.ts';

describe('model versions', () => {
  it('accepts day-and-counter versions only', () => {
    expect(isModelVersion('2026.11.25-1')).toBe(true);
    expect(isModelVersion('2026.11.25-10')).toBe(true);
    for (const name of ['2026-11-25', '2026.11.25', '2026.11.25-', 'v2026.11.25-1', '.tmp-2026.11.25-1-42'])
      expect(isModelVersion(name)).toBe(false);
  });

  it('orders by day, then by the counter as a number: -10 is newer than -9', () => {
    expect(compareVersions('2026.11.25-10', '2026.11.25-9')).toBeGreaterThan(0);
    expect(compareVersions('2026.11.25-9', '2026.11.25-10')).toBeLessThan(0);
    expect(compareVersions('2026.11.26-1', '2026.11.25-10')).toBeGreaterThan(0);
    expect(compareVersions('2026.11.25-3', '2026.11.25-3')).toBe(0);
    expect(['2026.11.25-10', '2026.11.25-9', '2026.01.02-1', '2025.12.31-100'].sort(compareVersions)).toEqual(
      ['2025.12.31-100', '2026.01.02-1', '2026.11.25-9', '2026.11.25-10'],
    );
  });

  it('picks the newest version and ignores names that are not versions', () => {
    const names = ['2026.11.25-9', 'README.md', '2026.11.25-10', '.tmp-2026.11.25-11-7', '2026.11.24-12'];
    expect(newestVersion(names)).toBe('2026.11.25-10');
    expect(versionsNewestFirst(names)).toEqual(['2026.11.25-10', '2026.11.25-9', '2026.11.24-12']);
    expect(newestVersion(['notes'])).toBeUndefined();
  });
});
