import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_FILES, modelEntryPath } from './paths.ts';
import { type VerifiedEntry, verifyModelEntry } from './verify.ts';
import { versionsNewestFirst } from './version.ts';

function absentAsUndefined(err: unknown): undefined {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw err;
}

export interface ReadEntryOptions {
  /** The sha256 the reader pins model.onnx to. */
  readonly expectedSha256?: string;
  /**
   * Also hash model.onnx against model.json.
   * @default true
   */
  readonly verifyOnnx?: boolean;
}

/**
 * Reads and verifies `models/<name>/<version>/` of the checkout at `root`; reasons name paths
 * relative to `root`, as a reader of the repository sees them.
 */
export async function readModelEntry(
  root: string,
  name: string,
  version: string,
  options: ReadEntryOptions = {},
): Promise<VerifiedEntry> {
  const metadataPath = modelEntryPath(name, version, MODEL_FILES.metadata);
  const readOnnx = (path: string) => readFile(join(root, path)).catch(absentAsUndefined);
  return verifyModelEntry({
    metadataPath,
    metadataText: await readFile(join(root, metadataPath), 'utf8').catch(absentAsUndefined),
    ...(options.verifyOnnx === false ? {} : { readOnnx }),
    ...(options.expectedSha256 === undefined ? {} : { expectedSha256: options.expectedSha256 }),
  });
}

/** Versions present in a registry folder such as `models/titanic`, newest first; none when it is absent. */
export function localVersions(modelDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(modelDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch (err) {
    // A path that is a file, or below one, holds no versions either.
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    return absentAsUndefined(err) ?? [];
  }
  return versionsNewestFirst(names);
}
