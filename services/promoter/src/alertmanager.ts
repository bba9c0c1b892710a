import { z } from 'zod';
import { code, safeLink } from './untrusted.ts';

const labels = z.record(z.string(), z.string());
export const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels,
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  generatorURL: z.string(),
  // Alertmanager fingerprints are 16 hex digits; they go into hidden markers, so nothing else passes.
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/i, 'expected a hex fingerprint'),
});
/** Alertmanager's webhook body, version 4 (prometheus/alertmanager notify/webhook). */
export const webhookSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labels,
  commonLabels: labels,
  commonAnnotations: labels,
  externalURL: z.string(),
  alerts: z.array(alertSchema).min(1),
});
export type Alert = z.infer<typeof alertSchema>;
export type WebhookPayload = z.infer<typeof webhookSchema>;

/** Marker written into the delivery comment per alert so a repeated delivery is recognised. */
export const alertMarker = (a: Alert) => `<!-- alert:${a.fingerprint}:${a.startsAt} -->`;

/** Alertmanager sends a firing alert's endsAt as the zero time (or a time still to come). */
const ZERO_TIME_BEFORE = Date.UTC(1000, 0, 1);
/** Clock difference tolerated between Alertmanager and the promoter. */
const SKEW_MS = 5 * 60_000;

/**
 * Why a firing alert cannot drive a rollback now, or undefined when it can: it must have started
 * recently (a replayed or stale delivery has not) and must not have ended already.
 */
export function staleness(a: Alert, now: Date, maxAgeMs: number): string | undefined {
  const starts = Date.parse(a.startsAt);
  const ends = Date.parse(a.endsAt);
  if (starts > now.getTime() + SKEW_MS) return `startsAt ${a.startsAt} is in the future`;
  if (starts < now.getTime() - maxAgeMs)
    return `startsAt ${a.startsAt} is older than ${Math.round(maxAgeMs / 60_000)} minutes`;
  if (ends >= ZERO_TIME_BEFORE && ends <= now.getTime()) return `endsAt ${a.endsAt} has passed`;
  return undefined;
}

/** Alerts listed in full in one comment; the rest are counted (each keeps its marker). */
const LISTED = 20;

/** One comment per delivery and environment: every new alert, escaped, with its marker. */
export function deliveryComment(env: string, alerts: readonly Alert[], prometheusHosts: string[]): string {
  const line = (a: Alert) => {
    const summary = a.annotations.summary ?? a.annotations.description ?? '(no summary)';
    const source = safeLink(a.generatorURL, prometheusHosts);
    return [
      `- ${code(a.labels.alertname ?? 'alert', 80)} since ${a.startsAt}`,
      a.labels.severity ? ` (severity ${code(a.labels.severity, 20)})` : '',
      `: ${code(summary)}`,
      a.labels.model_version ? `, model ${code(a.labels.model_version, 40)}` : '',
      source ? ` ([source](${source}))` : '',
    ].join('');
  };
  return [
    `🚨 ${alerts.length} alert${alerts.length === 1 ? '' : 's'} labelled \`rollback="true"\` firing in **${env}**:`,
    '',
    ...alerts.slice(0, LISTED).map(line),
    ...(alerts.length > LISTED ? [`- and ${alerts.length - LISTED} more`] : []),
    '',
    'Merging this pull request reverts the last promotion and holds the version.',
    ...alerts.map(alertMarker),
  ].join('\n');
}
