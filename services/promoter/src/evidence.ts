import { parse } from 'yaml';
import { parseTrailers } from './context.ts';
import type { Repository } from './github.ts';

export interface Evidence {
  /** Commit of the upstream file since which it has run the version without interruption. */
  readonly commit: string;
  readonly since: string;
}

/**
 * Walks the upstream environment file's history back from `ref` and returns the oldest commit of
 * the unbroken run of `model` + `image`; undefined when the upstream does not run them now.
 */
export async function upstreamEvidence(
  repo: Repository,
  ref: string,
  upstream: string,
  model: string,
  image: string,
): Promise<Evidence | undefined> {
  const path = `environments/${upstream}.yaml`;
  let found: { sha: string; date: string; message: string } | undefined;
  for (const commit of await repo.history(ref, path, 50)) {
    const text = await repo.readText(commit.sha, path);
    const data =
      text === undefined
        ? undefined
        : (parse(text) as { model?: { version?: unknown }; image?: { tag?: unknown } });
    const runs = String(data?.model?.version) === model && String(data?.image?.tag) === image;
    if (!runs) break;
    found = commit;
  }
  if (!found) return undefined;
  // A promotion merged with a merge commit keeps its authoring date; it ran from the merge on.
  const t = parseTrailers(found.message);
  const merged = t['Promote-Env']
    ? await repo.mergedAt(`promote/${t['Promote-Env']}/${t['Promote-Model']}-${t['Promote-Image']}`)
    : undefined;
  const since = merged && Date.parse(merged) > Date.parse(found.date) ? merged : found.date;
  return { commit: found.sha, since };
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
