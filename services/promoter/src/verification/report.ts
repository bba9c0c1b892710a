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
export function verificationComment(report: VerificationReport): string {
  return [
    `${report.passed ? '✅' : '❌'} **Verification of ${report.env} ${report.passed ? 'passed' : 'failed'}** at ${report.commit.slice(0, 12)}`,
    '',
    `Bundle: model \`${report.bundle.model}\` (sha256 \`${report.bundle.sha256}\`), image \`${report.bundle.image}\`.`,
    report.syncedAt
      ? `Argo CD reported Synced and Healthy with every pod serving the bundle at ${report.syncedAt}; watched until ${report.endedAt} (window ${report.window}).`
      : `The environment did not run the bundle by ${report.endedAt}.`,
    '',
    '| check | result | observed |',
    '| --- | --- | --- |',
    // Observed text can carry alert names (anyone who writes rules): shown as inert code.
    ...report.checks.map((c) => `| ${c.name} | ${c.ok ? 'pass' : '**FAIL**'} | ${code(c.detail, 300)} |`),
    '',
    ...(report.rollback
      ? [`The rollback pull request with a hold is #${report.rollback.number} (${report.rollback.url}).`]
      : report.passed
        ? ['The next environment may take this bundle once it has stayed alert-free for its minimum soak.']
        : ['This change is not a promotion the bot can revert; an on-call engineer decides.']),
  ].join('\n');
}
