import { MODEL_VERSION_PATTERN } from '@titanic/features';
import { z } from 'zod';
import { PromoterError } from './errors.ts';
import type { RegistryClient } from './registry.ts';

/**
 * What one release build pushed, kept in git at `releases/<commit>.json`: each image's repository,
 * its write-once tag and the digest the registry serves for it. Promoting into dev looks a tag up
 * here; every later stage copies the digests its upstream environment runs.
 */
export const RELEASES_DIR = 'releases';
export const releasePath = (commit: string) => `${RELEASES_DIR}/${commit}.json`;

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const artifact = z.strictObject({
  /** `inference`, `promoter`, or `modelcar` (then `model` names the version it carries). */
  name: z.enum(['inference', 'promoter', 'modelcar']),
  model: z.string().regex(MODEL_VERSION_PATTERN).optional(),
  repository: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/),
  tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/),
  digest: z.string().regex(DIGEST, 'expected "sha256:" + 64 hex characters'),
});
export const releaseRecordSchema = z.strictObject({
  schemaVersion: z.literal(1),
  commit: z.string().regex(/^[0-9a-f]{40}$/, 'expected a full commit sha'),
  artifacts: z.array(artifact).min(1),
});
export type ReleaseRecord = z.infer<typeof releaseRecordSchema>;
export type ReleasedArtifact = ReleaseRecord['artifacts'][number];

export function parseReleaseRecord(path: string, text: string): ReleaseRecord {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PromoterError(`${path}: ${(error as Error).message}`, 'environment', `fix ${path}`);
  }
  const parsed = releaseRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PromoterError(
      `${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      'environment',
      `fix ${path} (written by .github/workflows/release.yml)`,
    );
  }
  return parsed.data;
}

/** Byte-stable text: artifacts sorted, two-space JSON, final newline. */
export function formatReleaseRecord(record: ReleaseRecord): string {
  const key = (a: ReleasedArtifact) => `${a.name}\0${a.model ?? ''}\0${a.repository}\0${a.tag}`;
  const artifacts = [...record.artifacts]
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
    .map((a) => ({
      name: a.name,
      ...(a.model ? { model: a.model } : {}),
      repository: a.repository,
      tag: a.tag,
      digest: a.digest,
    }));
  return `${JSON.stringify({ schemaVersion: 1, commit: record.commit, artifacts }, null, 2)}\n`;
}

/** `name=repository:tag@sha256:…` (or `modelcar:<version>=…`) as the release workflow passes it. */
export function parsePushed(arg: string): ReleasedArtifact {
  const m = /^(inference|promoter|modelcar:([^=]+))=([^@\s]+):([^:@/\s]+)@(sha256:[0-9a-f]{64})$/.exec(arg);
  if (!m)
    throw new PromoterError(
      `--pushed ${arg} is not name=repository:tag@sha256:<64 hex>`,
      'usage',
      'e.g. --pushed inference=ghcr.io/titanic-ml/titanic-inference:0.1.0-0123456789ab@sha256:…',
    );
  const name = m[1]!.startsWith('modelcar') ? 'modelcar' : (m[1] as 'inference' | 'promoter');
  const parsed = artifact.safeParse({
    name,
    ...(m[2] ? { model: m[2] } : {}),
    repository: m[3],
    tag: m[4],
    digest: m[5],
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new PromoterError(`--pushed ${arg}: ${issue.path.join('.')}: ${issue.message}`, 'usage');
  }
  return parsed.data;
}

/**
 * Builds the record of a release from what the build says it pushed, after asking the registry
 * what it serves for each tag: a record never names a digest the registry does not serve for it.
 */
export async function recordRelease(
  registry: RegistryClient,
  commit: string,
  pushed: readonly ReleasedArtifact[],
): Promise<ReleaseRecord> {
  const mismatches: string[] = [];
  for (const a of pushed) {
    const served = await registry.resolve(a.repository, a.tag);
    if (!served.found) mismatches.push(served.reason);
    else if (served.digest !== a.digest)
      mismatches.push(`${a.repository}:${a.tag} is ${served.digest} in the registry, not ${a.digest}`);
  }
  if (mismatches.length > 0)
    throw new PromoterError(
      `the registry does not serve what the build pushed: ${mismatches.join('; ')}`,
      'registry',
      'a tag was overwritten or the push failed; release tags are write-once, build a new commit',
    );
  return releaseRecordSchema.parse({ schemaVersion: 1, commit, artifacts: pushed });
}

/** Every record in `files` (path → blob), read through `read`. */
export async function readReleaseRecords(
  files: ReadonlyMap<string, string>,
  read: (blob: string) => Promise<string>,
): Promise<Array<{ path: string; record: ReleaseRecord }>> {
  const out: Array<{ path: string; record: ReleaseRecord }> = [];
  for (const [path, blob] of files) {
    if (!path.startsWith(`${RELEASES_DIR}/`) || !path.endsWith('.json')) continue;
    out.push({ path, record: parseReleaseRecord(path, await read(blob)) });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The records naming `repository:tag` (of the modelcar of `model` when given). */
export function findReleased(
  records: ReadonlyArray<{ path: string; record: ReleaseRecord }>,
  repository: string,
  tag: string,
): Array<{ path: string; artifact: ReleasedArtifact }> {
  return records.flatMap(({ path, record }) =>
    record.artifacts
      .filter((a) => a.repository === repository && a.tag === tag)
      .map((artifact) => ({ path, artifact })),
  );
}
