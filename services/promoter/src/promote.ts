import type { ModelMetadata } from '@titanic/features';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { resolveBundle } from './bundle.ts';
import { envPath, type PromoterContext, promotionSubject } from './context.ts';
import { loadEnvironmentFile } from './env-file.ts';
import { PromoterError } from './errors.ts';
import { type GateResult, holdsGate, modelGate, orderGate } from './gates.ts';
import { holdsRemovedSince } from './holds.ts';
import { summariseManifests } from './manifest-diff.ts';
import { modelVersions, readModel } from './models.ts';
import { openPromotions, openRollbacks, rollbackGate, yieldToRollback } from './pending-rollback.ts';
import { type PullData, promotionBody } from './pr-body.ts';
import { renderEnvironment } from './render.ts';
import { shadowEvidence, shadowEvidenceTable, shadowGate } from './shadow-gate.ts';
import { oneLine } from './untrusted.ts';
import { soakEvidence } from './verification/soak.ts';
import { metricsVerification } from './verification.ts';

export interface PromoteOptions {
  readonly env: string;
  readonly model?: string;
  readonly image?: string;
  readonly from?: string;
  /** Accept a ROC AUC regression beyond the margin; the reason is recorded in the PR. */
  readonly allowRegression?: string;
}

export interface PromoteResult {
  readonly status: 'opened' | 'updated' | 'unchanged' | 'refused';
  readonly env: string;
  readonly model: string;
  readonly image: string;
  readonly gates: readonly GateResult[];
  readonly branch?: string;
  readonly pull?: { number: number; url: string };
  readonly superseded: readonly number[];
}

export const promotionBranch = (env: string, model: string, image: string) =>
  `promote/${env}/${model}-${image}`;

/** Runs the gates and, when they pass, opens or updates the promotion pull request. */
export async function promote(ctx: PromoterContext, options: PromoteOptions): Promise<PromoteResult> {
  const { repo } = ctx;
  const baseBranch = await repo.defaultBranch();
  const baseSha = (await repo.branchSha(baseBranch))!;
  const file = await loadEnvironmentFile(ctx.repo, baseSha, options.env);
  const target = file.value();
  const upstreamName = options.from ?? target.promotion.upstream;
  const upstream: Environment | undefined = upstreamName
    ? (await loadEnvironmentFile(ctx.repo, baseSha, upstreamName)).value()
    : undefined;
  const files = await repo.files(baseSha);

  const model =
    options.model ?? upstream?.model.version ?? (await modelVersions(repo, baseSha, target.model.name))[0];
  if (!model)
    throw new PromoterError(
      `no model version given and none registered under models/${target.model.name}/`,
      'usage',
      'pass --model <version>',
    );
  const image = options.image ?? upstream?.image.tag ?? target.image.tag;
  ctx.log(
    `promoting ${options.env}: model ${model}, image ${image}${upstreamName ? ` from ${upstreamName}` : ''}`,
  );

  // Soak is evidence: the upstream's recorded verification and its alerts since, not commit times.
  const soak = upstream ? await soakEvidence(ctx, baseSha, upstream, model, image) : undefined;
  const evidence = soak?.ok ? soak : undefined;
  const candidate = await readModel(repo, baseSha, target.model.name, model, files);
  const running = await readModel(repo, baseSha, target.model.name, target.model.version);
  const verified = {
    candidate: await metricsVerification(ctx, baseSha, target.model.name, model),
    current: await metricsVerification(ctx, baseSha, target.model.name, target.model.version),
  };
  const bundled = await resolveBundle(ctx, {
    baseSha,
    files,
    target,
    upstream,
    model,
    image,
    sha256: candidate.ok ? candidate.meta.files.onnx.sha256 : undefined,
  });
  const gates: GateResult[] = [
    orderGate({
      target,
      from: options.from,
      upstream,
      model,
      image,
      evidence,
      ...(soak && !soak.ok ? { missing: soak.detail } : {}),
      now: ctx.now(),
    }),
    modelGate({
      target,
      version: model,
      candidate,
      current: running,
      allowRegression: options.allowRegression ? oneLine(options.allowRegression) : undefined,
      verified,
    }),
    bundled.gate,
    holdsGate(target, model, image),
    rollbackGate(options.env, openRollbacks(ctx, await repo.openPulls(), options.env)),
  ];
  // Prod's shadow becomes the served model only on live evidence.
  const shadowed =
    target.model.shadow?.version === model
      ? ctx.prometheus
        ? await shadowEvidence(ctx.prometheus(target), target, model)
        : null
      : undefined;
  if (shadowed !== undefined)
    gates.push(
      shadowed
        ? shadowGate(target, shadowed)
        : {
            gate: 'shadow',
            ok: false,
            detail: `${model} is ${options.env}'s shadow: set PROMETHEUS_URL_${options.env.toUpperCase()} so its live evidence can be read`,
          },
    );
  const base = { env: options.env, model, image, gates, superseded: [] as number[] };
  if (gates.some((g) => !g.ok)) return { ...base, status: 'refused' };

  const imageDigest = bundled.bundle!.image.digest;
  const modelDigest = bundled.bundle!.modelcar.digest;
  const meta = (candidate as { meta: ModelMetadata }).meta;
  if (
    target.model.version === model &&
    target.image.tag === image &&
    target.image.digest === imageDigest &&
    target.model.digest === modelDigest &&
    target.model.sha256 === meta.files.onnx.sha256
  ) {
    return { ...base, status: 'unchanged' };
  }
  file.setImage(image, imageDigest);
  file.setModel(model, meta.files.onnx.sha256, modelDigest);
  if (shadowed) file.setShadow(undefined);
  const envText = file.toString();
  const dist = await renderEnvironment(repo, baseSha, files, options.env, {
    [envPath(options.env)]: envText,
  });
  const changes = [{ path: envPath(options.env), content: envText }, ...dist];

  const before: Record<string, string | undefined> = {};
  for (const c of dist) {
    const blob = files.get(c.path);
    before[c.path] = blob ? (await repo.blob(blob)).toString('utf8') : undefined;
  }
  const manifests = summariseManifests(before, Object.fromEntries(dist.map((c) => [c.path, c.content])));

  const subject = promotionSubject(options.env, model, image);
  const message = [
    subject,
    '',
    `Move ${options.env} to titanic model ${model} and inference image ${image}; dist/${options.env}/ re-rendered.`,
    ...(options.allowRegression
      ? ['', `ROC AUC regression accepted: ${oneLine(options.allowRegression)}`]
      : []),
    '',
    `Promote-Env: ${options.env}`,
    `Promote-Model: ${model}`,
    `Promote-Image: ${image}`,
    `Promote-From: ${upstreamName ?? 'registry'}`,
    '',
  ].join('\n');
  const branch = promotionBranch(options.env, model, image);
  const tree = await repo.tree(baseSha, changes);
  await repo.commitsOnBranch(branch, baseSha, [{ tree, message }]);

  const data: PullData = {
    kind: 'promotion',
    env: options.env,
    model,
    image,
    ...(upstreamName ? { from: upstreamName } : {}),
    ...(imageDigest ? { imageDigest } : {}),
    ...(modelDigest ? { modelDigest } : {}),
    base: baseSha,
  };
  const promotion = promotionBody({
    data,
    current: {
      model: target.model.version,
      image: target.image.tag,
      imageDigest: target.image.digest,
      modelDigest: target.model.digest,
    },
    candidate: meta,
    running: running.ok ? running.meta : undefined,
    gates,
    bundle: bundled.bundle,
    evidence: upstream
      ? evidence
        ? `**${upstream.name}** runs model \`${model}\` with image \`${image}\`: ${evidence.detail}.`
        : `**${upstream.name}**: ${soak?.ok === false ? soak.detail : 'no soak evidence'}.`
      : undefined,
    manifests,
    holdsRemoved: await holdsRemovedSince(ctx, baseSha, options.env),
  });
  const body = shadowed ? `${promotion}\n\n${shadowEvidenceTable(target, shadowed)}\n` : promotion;
  const pull = await repo.upsertPull(branch, baseBranch, subject, body, ['promotion', `env:${options.env}`]);
  ctx.log(`${pull.created ? 'opened' : 'updated'} ${pull.url}`);

  // A rollback opened while this ran did not see this pull request: it is closed here instead.
  const open = await repo.openPulls();
  const [rollback] = openRollbacks(ctx, open, options.env);
  if (rollback) {
    await yieldToRollback(ctx, pull.number, rollback, options.env);
    return {
      ...base,
      gates: gates.map((g) => (g.gate === 'rollback' ? rollbackGate(options.env, [rollback]) : g)),
      status: 'refused',
      branch,
      pull: { number: pull.number, url: pull.url },
    };
  }
  const superseded: number[] = [];
  for (const other of openPromotions(ctx, open, options.env)) {
    // Only older pull requests are superseded: two runs at once must not close each other's.
    if (other.number >= pull.number || !other.labels.includes('promotion')) continue;
    await repo.comment(
      other.number,
      `Superseded by #${pull.number} (${pull.url}), which promotes model \`${model}\` with image \`${image}\` to ${options.env}.`,
    );
    await repo.close(other.number);
    superseded.push(other.number);
  }
  return {
    ...base,
    status: pull.created ? 'opened' : 'updated',
    branch,
    pull: { number: pull.number, url: pull.url },
    superseded,
  };
}
