import { envPath, type PromoterContext } from './context.ts';
import { loadEnvironmentFile } from './env-file.ts';
import { PromoterError } from './errors.ts';
import { type GateResult, holdsGate, modelFileGate } from './gates.ts';
import { readModel } from './models.ts';
import { gateTable } from './pr-body.ts';
import { renderEnvironment } from './render.ts';
import { metricsVerification } from './verification.ts';

export interface ShadowPromotion {
  readonly status: 'opened' | 'updated' | 'unchanged' | 'refused';
  readonly env: string;
  readonly model: string;
  readonly gates: readonly GateResult[];
  readonly branch?: string;
  readonly pull?: { number: number; url: string };
}

export const shadowBranch = (env: string, model: string) => `shadow/${env}/${model}`;

/**
 * `promote --env <env> --as shadow --model <version>`: a pull request that pins the candidate as
 * the environment's `model.shadow`. The shadow only scores traffic, so the checks are those of
 * the file itself (registered, hashes to its sha256, metrics verified by CI), its modelcar image
 * and holds; the live evidence it gathers is what a later `promote` of it is gated on.
 */
export async function promoteShadow(
  ctx: PromoterContext,
  o: { env: string; model: string | undefined },
): Promise<ShadowPromotion> {
  const { repo } = ctx;
  if (!o.model)
    throw new PromoterError(
      '--as shadow needs --model <version>',
      'usage',
      'pass the candidate with --model',
    );
  const baseBranch = await repo.defaultBranch();
  const baseSha = (await repo.branchSha(baseBranch))!;
  const file = await loadEnvironmentFile(repo, baseSha, o.env);
  const target = file.value();
  const files = await repo.files(baseSha);
  const candidate = await readModel(repo, baseSha, target.model.name, o.model, files);
  const verified = await metricsVerification(ctx, baseSha, target.model.name, o.model);
  const modelcar = await ctx.registry.resolve(target.model.modelcarRepository, o.model);
  const served = o.model === target.model.version;
  const gates: GateResult[] = [
    modelFileGate({ version: o.model, candidate, verified }) ?? {
      gate: 'model',
      ok: !served,
      detail: served
        ? `${o.model} is what ${o.env} serves; a shadow must be another version`
        : `sha256 verified; ${verified.detail}`,
    },
    modelcar.found
      ? {
          gate: 'image',
          ok: true,
          detail: `pinned ${target.model.modelcarRepository}:${o.model}@${modelcar.digest}`,
        }
      : { gate: 'image', ok: false, detail: modelcar.reason },
    holdsGate(target, o.model, target.image.tag),
  ];
  const base = { env: o.env, model: o.model, gates };
  if (gates.some((g) => !g.ok) || !candidate.ok || !modelcar.found) return { ...base, status: 'refused' };
  const shadow = { version: o.model, sha256: candidate.meta.files.onnx.sha256, digest: modelcar.digest };
  const pinned = target.model.shadow;
  if (
    pinned?.version === shadow.version &&
    pinned.sha256 === shadow.sha256 &&
    pinned.digest === shadow.digest
  )
    return { ...base, status: 'unchanged' };

  file.setShadow(shadow);
  const envText = file.toString();
  const dist = await renderEnvironment(repo, baseSha, files, o.env, { [envPath(o.env)]: envText });
  const subject = `shadow(${o.env}): titanic ${o.model} beside ${target.model.version}`;
  const message = [
    subject,
    '',
    `Score ${o.env}'s live traffic with titanic model ${o.model} as a shadow of the served ${target.model.version}; its answers are never returned. dist/${o.env}/ re-rendered.`,
    '',
    `Shadow-Env: ${o.env}`,
    `Shadow-Model: ${o.model}`,
    '',
  ].join('\n');
  const branch = shadowBranch(o.env, o.model);
  const tree = await repo.tree(baseSha, [{ path: envPath(o.env), content: envText }, ...dist]);
  await repo.commitsOnBranch(branch, baseSha, [{ tree, message }]);
  const t = target.liveQuality.shadow;
  const cv = candidate.meta.metrics.cv;
  const body = [
    `Pins titanic model \`${o.model}\` as **${o.env}**'s shadow beside the served \`${target.model.version}\`. Every request is scored by both; clients get the served model's answer only.`,
    '',
    ...gateTable(gates),
    '',
    `Cross-validated: ROC AUC ${cv.rocAuc.mean.toFixed(4)}, Brier ${cv.brier.mean.toFixed(4)}, accuracy ${cv.accuracy.mean.toFixed(4)}.`,
    '',
    `Once merged, \`promote --env ${o.env} --model ${o.model}\` makes it the served model when, over the last ${t.window}, it shadowed at least ${t.minPredictions} predictions with label agreement ≥ ${t.minAgreement}, mean |Δp| ≤ ${t.maxMeanShift} and PSI ≤ ${t.maxPsi} (\`liveQuality.shadow\`).`,
  ].join('\n');
  const pull = await repo.upsertPull(branch, baseBranch, subject, body, ['shadow', `env:${o.env}`]);
  ctx.log(`${pull.created ? 'opened' : 'updated'} ${pull.url}`);
  return {
    ...base,
    status: pull.created ? 'opened' : 'updated',
    branch,
    pull: { number: pull.number, url: pull.url },
  };
}
