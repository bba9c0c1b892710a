import type { ModelMetadata } from '@titanic/features';
import { type Bundle, bundleSection } from './bundle.ts';
import type { GateResult } from './gates.ts';
import type { ObjectChange } from './manifest-diff.ts';
import { code } from './untrusted.ts';

/** The data the bot writes into every pull request and reads back later (status, supersede). */
export interface PullData {
  readonly kind: 'promotion' | 'rollback';
  readonly env: string;
  readonly model: string;
  readonly image: string;
  readonly from?: string;
  readonly imageDigest?: string;
  readonly modelDigest?: string;
  readonly reverts?: string;
  readonly base: string;
}

const START = '<!-- promoter-data';
const END = 'promoter-data -->';

export function dataBlock(data: PullData): string {
  return `${START}\n${JSON.stringify(data, null, 2)}\n${END}`;
}

/**
 * The bot's own block: the one that ends the body, on lines of its own. Untrusted text in a body
 * is a single escaped line, so it can neither end the body nor open such a block.
 */
export function parseDataBlock(body: string): PullData | undefined {
  const m = /(?:^|\n)<!-- promoter-data\n(\{[\s\S]*?\n\})\npromoter-data -->\s*$/.exec(body);
  if (!m) return undefined;
  try {
    const data = JSON.parse(m[1]!) as PullData;
    return typeof data === 'object' && data !== null && typeof data.env === 'string' ? data : undefined;
  } catch {
    return undefined;
  }
}

function metricRow(
  name: string,
  pick: (m: ModelMetadata) => number,
  to: ModelMetadata,
  from?: ModelMetadata,
  lowerIsBetter = false,
) {
  const now = pick(to);
  if (!from) return `| ${name} | – | ${now.toFixed(4)} | – |`;
  const delta = now - pick(from);
  const good = lowerIsBetter ? delta <= 0 : delta >= 0;
  const sign = delta >= 0 ? '+' : '';
  return `| ${name} | ${pick(from).toFixed(4)} | ${now.toFixed(4)} | ${sign}${delta.toFixed(4)} ${Math.abs(delta) < 5e-5 ? '' : good ? '🟢' : '🔴'} |`;
}

export function manifestSection(changes: readonly ObjectChange[]): string {
  if (changes.length === 0) return '_No rendered object changes._';
  return changes
    .map(
      (c) =>
        `- **${c.change}** \`${c.object}\`${c.fields.length ? `: ${c.fields.map((f) => `\`${f}\``).join(', ')}` : ''}`,
    )
    .join('\n');
}

export interface PromotionBodyInput {
  readonly data: PullData;
  readonly current: { model: string; image: string; imageDigest?: string; modelDigest?: string };
  readonly candidate?: ModelMetadata;
  readonly running?: ModelMetadata;
  readonly gates: readonly GateResult[];
  /** The pinned bundle and the source of each part. */
  readonly bundle?: Bundle;
  readonly evidence?: string;
  readonly manifests: readonly ObjectChange[];
  /** Holds of the target that a commit since its last promotion deleted. */
  readonly holdsRemoved?: ReadonlyArray<{ hold: string; commit: string; subject: string }>;
}

export function promotionBody(input: PromotionBodyInput): string {
  const d = input.data;
  const short = (digest?: string) => (digest ? ` (\`${digest.slice(0, 19)}…\`)` : '');
  const lines = [
    `Promotes **${d.env}** to model \`${d.model}\` and inference image \`${d.image}\`${d.from ? `, as run in **${d.from}**` : ''}.`,
    '',
    '| | from | to |',
    '| --- | --- | --- |',
    `| inference image | \`${input.current.image}\`${short(input.current.imageDigest)} | \`${d.image}\`${short(d.imageDigest)} |`,
    `| model | \`${input.current.model}\`${short(input.current.modelDigest)} | \`${d.model}\`${short(d.modelDigest)} |`,
    '',
    ...(input.bundle ? [bundleSection(input.bundle)] : []),
    '### Model metrics (cross-validated, mean)',
    '',
  ];
  if (input.candidate) {
    lines.push(
      '| metric | running | candidate | Δ |',
      '| --- | --- | --- | --- |',
      metricRow('accuracy', (m) => m.metrics.cv.accuracy.mean, input.candidate, input.running),
      metricRow('ROC AUC', (m) => m.metrics.cv.rocAuc.mean, input.candidate, input.running),
      metricRow(
        'Brier score (lower is better)',
        (m) => m.metrics.cv.brier.mean,
        input.candidate,
        input.running,
        true,
      ),
    );
  } else lines.push('_Model metadata unavailable._');
  lines.push(
    '',
    '### Gates',
    '',
    ...gateTable(input.gates),
    '',
    ...(input.holdsRemoved && input.holdsRemoved.length > 0
      ? [
          '### Holds removed since the last promotion',
          '',
          ...input.holdsRemoved.map(
            (r) => `- ${code(r.hold)} removed by ${r.commit.slice(0, 12)} ${code(r.subject, 120)}`,
          ),
          '',
        ]
      : []),
    '### Upstream evidence',
    '',
    input.evidence ?? `${d.env} has no upstream environment.`,
    '',
    `### Rendered manifest changes (\`dist/${d.env}/\`)`,
    '',
    manifestSection(input.manifests),
    '',
    '### How to roll back',
    '',
    `After merging, run \`npm run rollback -- --env ${d.env} --reason "<why>"\` (or the **rollback** workflow): it opens a pull request that is exactly \`git revert\` of this promotion commit. Add \`--hold\` to keep this version from being promoted again until a human removes the hold.`,
    '',
    dataBlock(d),
  );
  return lines.join('\n');
}

export interface RollbackBodyInput {
  readonly data: PullData;
  readonly subject: string;
  readonly reason?: string;
  readonly restores: { model: string; image: string };
  readonly hold: boolean;
  readonly manifests: readonly ObjectChange[];
}

export function rollbackBody(input: RollbackBodyInput): string {
  const d = input.data;
  return [
    `Reverts \`${d.reverts}\` (${code(input.subject)}) in **${d.env}**: exactly what \`git revert ${d.reverts?.slice(0, 12)}\` produces.`,
    '',
    '| | now | after merge |',
    '| --- | --- | --- |',
    `| inference image | \`${d.image}\` | \`${input.restores.image}\` |`,
    `| model | \`${d.model}\` | \`${input.restores.model}\` |`,
    '',
    `**Reason:** ${input.reason ? code(input.reason) : '_none given_'}`,
    '',
    input.hold
      ? `A second commit records a hold on model \`${d.model}\` / image \`${d.image}\` in \`environments/${d.env}.yaml\`; promotions of it are refused until a human removes the hold.`
      : 'No hold is recorded: the reverted version may be promoted again.',
    '',
    `### Rendered manifest changes (\`dist/${d.env}/\`)`,
    '',
    manifestSection(input.manifests),
    '',
    dataBlock(d),
  ].join('\n');
}

/** The gates as a markdown table; details and override reasons shown as code, never as markdown. */
export function gateTable(gates: readonly GateResult[]): string[] {
  return [
    '| gate | result | detail |',
    '| --- | --- | --- |',
    ...gates.map(
      (g) =>
        `| ${g.gate} | ${g.ok ? (g.override ? '⚠️ overridden' : '✅ pass') : '❌ fail'} | ${code(g.detail, 600)}${g.override ? ` — override reason: ${code(g.override)}` : ''} |`,
    ),
  ];
}
