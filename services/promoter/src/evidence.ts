/** Where the upstream's soak of a bundle starts (see verification/soak.ts). */
export interface Evidence {
  /** The upstream's merge commit whose verification passed. */
  readonly commit: string;
  /** Start of its alert-free run. */
  readonly since: string;
  /** How `since` was established, for the gate's detail. */
  readonly detail?: string;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "1h30m" → seconds. */
export function durationSeconds(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/(\d+)([smhdw])/g)) total += Number(m[1]) * UNITS[m[2]!]!;
  return total;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', !d && !h && !m ? `${s % 60}s` : ''].join('');
}
