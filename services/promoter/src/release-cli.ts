import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PromoterError } from './errors.ts';
import type { RegistryClient } from './registry.ts';
import { formatReleaseRecord, parsePushed, recordRelease, releasePath } from './release-record.ts';

/**
 * `promoter release-record`: checks every pushed image against the registry and writes
 * `<root>/releases/<commit>.json`; returns the path relative to `root`.
 */
export async function writeReleaseRecord(
  registry: RegistryClient,
  commit: string | undefined,
  pushed: readonly string[],
  root: string,
): Promise<string> {
  if (!commit || !/^[0-9a-f]{40}$/.test(commit))
    throw new PromoterError('--commit must be the full 40-character commit sha', 'usage');
  if (pushed.length === 0)
    throw new PromoterError('give at least one --pushed <name>=<repository>:<tag>@<digest>', 'usage');
  const record = await recordRelease(registry, commit, pushed.map(parsePushed));
  const path = releasePath(commit);
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), formatReleaseRecord(record));
  return path;
}
