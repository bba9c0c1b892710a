import type { Environment } from '@titanic/platform/environments/schema.ts';
import type { PromoterContext } from './context.ts';
import type { GateResult } from './gates.ts';
import { findReleased, readReleaseRecords } from './release-record.ts';
import { code } from './untrusted.ts';

/** One pinned image of a bundle and where its digest was taken from. */
export interface BundleImage {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly source: string;
}

/** What a promotion moves as one unit: the server image and the model with its modelcar. */
export interface Bundle {
  readonly image: BundleImage;
  readonly model: { readonly version: string; readonly sha256: string; readonly source: string };
  readonly modelcar: BundleImage;
}

export interface BundleInput {
  readonly baseSha: string;
  readonly files: ReadonlyMap<string, string>;
  readonly target: Environment;
  readonly upstream: Environment | undefined;
  readonly model: string;
  readonly image: string;
  /** model.json's sha256 of the candidate's model.onnx (undefined when the model gate fails). */
  readonly sha256: string | undefined;
}

export type BundleResult = { readonly gate: GateResult; readonly bundle?: Bundle };

const refused = (detail: string): BundleResult => ({ gate: { gate: 'image', ok: false, detail } });

/**
 * The bundle a promotion pins. Into an environment with an upstream it is exactly what the upstream
 * file pins (no tag is looked up again); into the first environment each tag is looked up in the
 * release records in git and must be what the registry serves.
 */
export async function resolveBundle(ctx: PromoterContext, i: BundleInput): Promise<BundleResult> {
  const bundle = i.upstream ? await copyUpstream(ctx, i, i.upstream) : await fromReleases(ctx, i);
  if (!bundle.bundle) return bundle;
  const b = bundle.bundle;
  return {
    bundle: b,
    gate: {
      gate: 'image',
      ok: true,
      detail: `pinned ${b.image.repository}:${b.image.tag}@${b.image.digest} and ${b.modelcar.repository}:${b.modelcar.tag}@${b.modelcar.digest}`,
    },
  };
}

async function copyUpstream(ctx: PromoterContext, i: BundleInput, up: Environment): Promise<BundleResult> {
  const path = `environments/${up.name}.yaml`;
  if (up.image.repository !== i.target.image.repository)
    return refused(
      `${up.name} runs ${up.image.repository}, ${i.target.name} pulls ${i.target.image.repository}`,
    );
  if (up.model.modelcarRepository !== i.target.model.modelcarRepository)
    return refused(
      `${up.name} pulls modelcars from ${up.model.modelcarRepository}, ${i.target.name} from ${i.target.model.modelcarRepository}`,
    );
  if (up.model.version !== i.model || up.image.tag !== i.image)
    return refused(
      `only the bundle ${up.name} runs (model ${up.model.version}, image ${up.image.tag}) can be promoted from it`,
    );
  const missing = [
    ...(up.image.digest ? [] : ['image.digest']),
    ...(up.model.digest ? [] : ['model.digest']),
  ];
  if (missing.length > 0)
    return refused(
      `${path} runs by tag (no ${missing.join(', ')}): ${i.target.name} takes only digests; promote ${up.name} again so it pins them`,
    );
  if (i.sha256 !== undefined && i.sha256 !== up.model.sha256)
    return refused(
      `${path} pins model.onnx sha256 ${up.model.sha256}, models/${up.model.name}/${i.model}/model.json records ${i.sha256}`,
    );
  const [last] = await ctx.repo.history(i.baseSha, path, 1);
  const source = `${path} at ${(last?.sha ?? i.baseSha).slice(0, 12)}`;
  return {
    gate: { gate: 'image', ok: true, detail: '' },
    bundle: {
      image: { repository: up.image.repository, tag: up.image.tag, digest: up.image.digest!, source },
      model: { version: up.model.version, sha256: up.model.sha256, source },
      modelcar: {
        repository: up.model.modelcarRepository,
        tag: up.model.version,
        digest: up.model.digest!,
        source,
      },
    },
  };
}

async function fromReleases(ctx: PromoterContext, i: BundleInput): Promise<BundleResult> {
  const records = await readReleaseRecords(i.files, async (blob) =>
    (await ctx.repo.blob(blob)).toString('utf8'),
  );
  const failures: string[] = [];
  const lookup = async (repository: string, tag: string): Promise<BundleImage | undefined> => {
    const served = await ctx.registry.resolve(repository, tag);
    if (!served.found) {
      failures.push(served.reason);
      return undefined;
    }
    const recorded = findReleased(records, repository, tag);
    const other = recorded.find((r) => r.artifact.digest !== served.digest);
    if (other) {
      failures.push(
        `${repository}:${tag} is ${served.digest} in the registry but ${other.path} records ${other.artifact.digest}: the tag was overwritten`,
      );
      return undefined;
    }
    const source = recorded[0]
      ? `release record ${recorded[0].path}`
      : 'registry only (no release record names this tag)';
    return { repository, tag, digest: served.digest, source };
  };
  const image = await lookup(i.target.image.repository, i.image);
  const modelcar = await lookup(i.target.model.modelcarRepository, i.model);
  if (!image || !modelcar || i.sha256 === undefined) {
    return failures.length > 0 ? refused(failures.join('; ')) : refused('the model gate failed');
  }
  return {
    gate: { gate: 'image', ok: true, detail: '' },
    bundle: {
      image,
      model: {
        version: i.model,
        sha256: i.sha256,
        source: `models/${i.target.model.name}/${i.model}/model.json`,
      },
      modelcar,
    },
  };
}

/** The PR body's account of the bundle: every part, pinned, and where it came from. */
export function bundleSection(b: Bundle): string {
  return [
    '### Bundle',
    '',
    '| part | pinned | taken from |',
    '| --- | --- | --- |',
    `| inference image | \`${b.image.repository}:${b.image.tag}@${b.image.digest}\` | ${code(b.image.source)} |`,
    `| model | \`${b.model.version}\`, model.onnx sha256 \`${b.model.sha256}\` | ${code(b.model.source)} |`,
    `| modelcar | \`${b.modelcar.repository}:${b.modelcar.tag}@${b.modelcar.digest}\` | ${code(b.modelcar.source)} |`,
    '',
  ].join('\n');
}
