import { code } from '../untrusted.ts';
import type { Bundle } from './signals.ts';

export interface VerificationReport {
  readonly env: string;
  readonly commit: string;
  readonly bundle: Bundle;
  readonly passed: boolean;
  readonly checks: ReadonlyArray<{ name: string; ok: boolean; detail: string }>;
  readonly window: string;
  readonly syncedAt: string | undefined;
  readonly endedAt: string;
  readonly rollback?: { readonly number: number; readonly url: string };
}

/** The pull-request comment that carries a verification's evidence (the commit status links to it). */
export function verificationComment(r: VerificationReport): string {
  return [
    `${r.passed ? '✅' : '❌'} **Verification of ${r.env} ${r.passed ? 'passed' : 'failed'}** at ${r.commit.slice(0, 12)}`,
    '',
    `Bundle: model \`${r.bundle.model}\` (sha256 \`${r.bundle.sha256}\`), image \`${r.bundle.image}\`.`,
    r.syncedAt
      ? `Argo CD reported Synced and Healthy with every pod serving the bundle at ${r.syncedAt}; watched until ${r.endedAt} (window ${r.window}).`
      : `The environment did not run the bundle by ${r.endedAt}.`,
    '',
    '| check | result | observed |',
    '| --- | --- | --- |',
    // Observed text can carry alert names (anyone who writes rules): shown as inert code.
    ...r.checks.map((c) => `| ${c.name} | ${c.ok ? 'pass' : '**FAIL**'} | ${code(c.detail, 300)} |`),
    '',
    ...(r.rollback
      ? [`The rollback pull request with a hold is #${r.rollback.number} (${r.rollback.url}).`]
      : r.passed
        ? ['The next environment may take this bundle once it has stayed alert-free for its minimum soak.']
        : ['This change is not a promotion the bot can revert; an on-call engineer decides.']),
  ].join('\n');
}
