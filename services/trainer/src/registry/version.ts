import { existsSync, readdirSync } from 'node:fs';
import { MODEL_VERSION_PATTERN } from '@titanic/features';
import { TrainerError } from '../errors.ts';

/** "2026.11.25" for the UTC day of `now`. */
export function dayStamp(now: Date): string {
  const pad = (v: number) => String(v).padStart(2, '0');
  return `${now.getUTCFullYear()}.${pad(now.getUTCMonth() + 1)}.${pad(now.getUTCDate())}`;
}

/** The next free version of the day in `modelDir`: 2026.11.25-1, then -2, … */
export function nextVersion(modelDir: string, now: Date): string {
  const day = dayStamp(now);
  let last = 0;
  if (existsSync(modelDir)) {
    for (const entry of readdirSync(modelDir)) {
      const m = /^(\d{4}\.\d{2}\.\d{2})-(\d+)$/.exec(entry);
      if (m && m[1] === day) last = Math.max(last, Number(m[2]));
    }
  }
  return `${day}-${last + 1}`;
}

export function checkVersion(version: string): string {
  if (!MODEL_VERSION_PATTERN.test(version)) {
    throw new TrainerError(
      `--version ${JSON.stringify(version)} is not a model version; use the form 2026.11.25-1`,
    );
  }
  return version;
}

/** Sorts versions the way they were made: by day, then by the counter as a number. */
export function compareVersions(a: string, b: string): number {
  const [da = '', na = '0'] = a.split('-');
  const [db = '', nb = '0'] = b.split('-');
  return da === db ? Number(na) - Number(nb) : da < db ? -1 : 1;
}
