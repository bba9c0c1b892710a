import { ENVIRONMENTS } from '@titanic/platform/environments/schema.ts';
import { envPath, type PromoterContext } from './context.ts';
import { EnvironmentFile } from './env-file.ts';
import { readModel } from './models.ts';

export interface EnvStatus {
  readonly env: string;
  readonly image: string;
  readonly model: string;
  readonly metrics?: { accuracy: number; rocAuc: number; brier: number };
  readonly since?: string;
  readonly holds: readonly string[];
  readonly pulls: readonly string[];
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
    out.push({
      env,
      image: e.image.digest ? `${e.image.tag}@${e.image.digest.slice(0, 19)}…` : e.image.tag,
      model: e.model.version,
      ...(meta.ok
        ? {
            metrics: {
              accuracy: meta.meta.metrics.cv.accuracy.mean,
              rocAuc: meta.meta.metrics.cv.rocAuc.mean,
              brier: meta.meta.metrics.cv.brier.mean,
            },
          }
        : {}),
      ...(last ? { since: last.date } : {}),
      holds: e.promotion.holds.map(
        (h) => `${h.model ?? ''}${h.model && h.image ? ' / ' : ''}${h.image ?? ''}: ${h.reason}`,
      ),
      pulls: open
        .filter(
          (p) =>
            p.labels.includes(`env:${env}`) &&
            (p.labels.includes('promotion') || p.labels.includes('rollback')),
        )
        .map((p) => `#${p.number} ${p.title}`),
    });
  }
  return out;
}

export function formatStatus(rows: readonly EnvStatus[]): string {
  const table = [
    ['env', 'image', 'model', 'acc', 'auc', 'brier', 'since', 'holds', 'open PRs'],
    ...rows.map((r) => [
      r.env,
      r.image,
      r.model,
      r.metrics ? r.metrics.accuracy.toFixed(3) : '–',
      r.metrics ? r.metrics.rocAuc.toFixed(3) : '–',
      r.metrics ? r.metrics.brier.toFixed(3) : '–',
      r.since ?? '–',
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
