import type { Environment } from '@titanic/platform/environments/schema.ts';
import type { Repository } from './github.ts';
import type { PrometheusClient } from './prometheus.ts';
import type { Trust } from './provenance.ts';
import type { RegistryClient } from './registry.ts';

/** What every command needs: the repository, the registry, a clock and a logger. */
export interface PromoterContext {
  readonly repo: Repository;
  readonly registry: RegistryClient;
  readonly now: () => Date;
  readonly log: (line: string) => void;
  /** The bot's identity and the CI check it trusts; DEFAULT_TRUST when absent. */
  readonly trust?: Trust;
  /** An environment's Prometheus (verification, soak evidence, shadow evidence); absent, none can be shown. */
  readonly prometheus?: (env: Environment) => PrometheusClient;
}

export const envPath = (env: string) => `environments/${env}.yaml`;

/** Conventional commit subject of a promotion. */
export function promotionSubject(env: string, model: string, image: string): string {
  return `promote(${env}): titanic ${model}, image ${image}`;
}

/** Trailers a promotion commit carries; rollback finds promotions by them. */
export function parseTrailers(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  const paragraphs = message.trim().split(/\n\s*\n/);
  for (const line of (paragraphs[paragraphs.length - 1] ?? '').split('\n')) {
    const m = /^([A-Za-z][A-Za-z-]*):\s*(.+)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.trim();
  }
  return out;
}
