import { ENVIRONMENTS } from '@titanic/platform/environments/schema.ts';
import { envPath, type PromoterContext } from './context.ts';
import { EnvironmentFile } from './env-file.ts';
import { readModel } from './models.ts';
import { deployedChange } from './verification/deployed.ts';
import { type RecordedVerification, readVerification } from './verification/record.ts';

export interface EnvStatus {
  readonly env: string;
  readonly image: string;
  readonly model: string;
  /** The pinned bundle in full. */
  readonly bundle: {
    readonly image: { readonly tag: string; readonly digest?: string };
    readonly model: { readonly version: string; readonly sha256: string; readonly digest?: string };
  };
  readonly metrics?: { accuracy: number; rocAuc: number; brier: number };
  readonly since?: string;
  /** The change Argo CD deploys now (merge commit) and its pull request. */
  readonly deployed?: {
    readonly commit: string;
    readonly pull?: { number: number; title: string; url: string };
  };
  /** The newest verification the bot recorded on that change. */
  readonly verification?: RecordedVerification;
  readonly holds: readonly string[];
  readonly pulls: readonly string[];
  /** Open promotion and rollback pull requests of the environment. */
  readonly openPulls: ReadonlyArray<{
    number: number;
    title: string;
    url: string;
    kind: 'promotion' | 'rollback';
  }>;
}

/** What each environment runs, since when, what is held and which bot PRs are open. */
export async function status(ctx: PromoterContext): Promise<EnvStatus[]> {
  const { repo } = ctx;
  const head = (await repo.branchSha(await repo.defaultBranch()))!;
  const open = await repo.openPulls();
  const out: EnvStatus[] = [];
  for (const env of ENVIRONMENTS) {
    const text = await repo.readText(head, envPath(env));
    if (text === undefined) continue;
    const e = EnvironmentFile.parse(env, text).value();
    const meta = await readModel(repo, head, e.model.name, e.model.version);
    const [last] = await repo.history(head, envPath(env), 1);
    const deployed = await deployedChange(ctx, head, env);
    const verification = deployed ? await readVerification(ctx, deployed.commit, env) : undefined;
    const mine = open.filter(
      (p) =>
        p.labels.includes(`env:${env}`) && (p.labels.includes('promotion') || p.labels.includes('rollback')),
    );
    out.push({
      env,
      image: e.image.digest ? `${e.image.tag}@${e.image.digest.slice(0, 19)}…` : e.image.tag,
      model: e.model.version,
      bundle: {
        image: { tag: e.image.tag, ...(e.image.digest ? { digest: e.image.digest } : {}) },
        model: {
          version: e.model.version,
          sha256: e.model.sha256,
          ...(e.model.digest ? { digest: e.model.digest } : {}),
        },
      },
      ...(deployed
        ? { deployed: { commit: deployed.commit, ...(deployed.pull ? { pull: deployed.pull } : {}) } }
        : {}),
      ...(verification ? { verification } : {}),
      openPulls: mine.map((p) => ({
        number: p.number,
        title: p.title,
        url: p.url,
        kind: p.labels.includes('rollback') ? ('rollback' as const) : ('promotion' as const),
      })),
      ...(meta.ok
        ? {
            metrics: {
              accuracy: meta.meta.metrics.cv.accuracy.mean,
              rocAuc: meta.meta.metrics.cv.rocAuc.mean,
              brier: meta.meta.metrics.cv.brier.mean,
            },
          }
        : {}),
      // Since the merge that put the current manifests on the default branch.
      ...(deployed ? { since: (await repo.commit(deployed.commit)).date } : last ? { since: last.date } : {}),
      holds: e.promotion.holds.map(
        (h) => `${h.model ?? ''}${h.model && h.image ? ' / ' : ''}${h.image ?? ''}: ${h.reason}`,
      ),
      pulls: mine.map((p) => `#${p.number} ${p.title}`),
    });
  }
  return out;
}

export function formatStatus(rows: readonly EnvStatus[]): string {
  const table = [
    ['env', 'image', 'model', 'acc', 'auc', 'brier', 'since', 'verified', 'holds', 'open PRs'],
    ...rows.map((r) => [
      r.env,
      r.image,
      r.model,
      r.metrics ? r.metrics.accuracy.toFixed(3) : '–',
      r.metrics ? r.metrics.rocAuc.toFixed(3) : '–',
      r.metrics ? r.metrics.brier.toFixed(3) : '–',
      r.since ?? '–',
      r.verification ? `${r.verification.state} ${r.verification.at}` : '–',
      r.holds.join('; ') || '–',
      r.pulls.join('; ') || '–',
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return table
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
