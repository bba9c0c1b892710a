import { isModelVersion, localVersions } from '@titanic/features';
import { TrainerError } from '../errors.ts';

/** "2026.11.25" for the UTC day of `now`. */
export function dayStamp(now: Date): string {
  const pad = (v: number) => String(v).padStart(2, '0');
  return `${now.getUTCFullYear()}.${pad(now.getUTCMonth() + 1)}.${pad(now.getUTCDate())}`;
}

/** The next free version of the day in `modelDir`: 2026.11.25-1, then -2, … */
export function nextVersion(modelDir: string, now: Date): string {
  const day = dayStamp(now);
  const newestOfDay = localVersions(modelDir).find((v) => v.startsWith(`${day}-`));
  return `${day}-${newestOfDay ? Number(newestOfDay.slice(day.length + 1)) + 1 : 1}`;
}

export function checkVersion(version: string): string {
  if (!isModelVersion(version)) {
    throw new TrainerError(
      `--version ${JSON.stringify(version)} is not a model version; use the form 2026.11.25-1`,
    );
  }
  return version;
}
