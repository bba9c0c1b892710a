/** A model version reads as the UTC day it was trained and a counter within the day: 2026.11.25-1. */
export const MODEL_VERSION_PATTERN = /^\d{4}\.\d{2}\.\d{2}-\d+$/;

export function isModelVersion(name: string): boolean {
  return MODEL_VERSION_PATTERN.test(name);
}

/**
 * Orders versions as they were made: by day, then by the counter as a number, so 2026.11.25-10 is
 * newer than 2026.11.25-9 (a string sort says the opposite). Use with `Array.prototype.sort`.
 */
export function compareVersions(a: string, b: string): number {
  const [dayA = '', counterA = '0'] = a.split('-');
  const [dayB = '', counterB = '0'] = b.split('-');
  if (dayA !== dayB) return dayA < dayB ? -1 : 1;
  return Number(counterA) - Number(counterB);
}

/** The names that are model versions, newest first; anything else in a registry folder is ignored. */
export function versionsNewestFirst(names: Iterable<string>): string[] {
  return [...names].filter(isModelVersion).sort((a, b) => compareVersions(b, a));
}

/** The newest model version among `names`, or undefined when there is none. */
export function newestVersion(names: Iterable<string>): string | undefined {
  return versionsNewestFirst(names)[0];
}
