import { z } from 'zod';

/** Alertmanager's webhook body, version 4 (prometheus/alertmanager notify/webhook). */
const labels = z.record(z.string(), z.string());
export const alertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels,
  annotations: labels,
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  generatorURL: z.string(),
  fingerprint: z.string().min(1),
});
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

/** Marker written into each alert comment so a repeated delivery is recognised. */
export const alertMarker = (a: Alert) => `<!-- alert:${a.fingerprint}:${a.startsAt} -->`;

export function alertComment(a: Alert): string {
  const name = a.labels.alertname ?? 'alert';
  const summary = a.annotations.summary ?? a.annotations.description ?? '(no summary)';
  return [
    `🚨 **${name}** is firing in **${a.labels.env}** since ${a.startsAt}${a.labels.severity ? ` (severity ${a.labels.severity})` : ''}.`,
    '',
    `> ${summary}`,
    '',
    ...(a.labels.model_version ? [`Model version: \`${a.labels.model_version}\``, ''] : []),
    ...(a.generatorURL ? [`[Source](${a.generatorURL})`, ''] : []),
    'This rollback was opened by the alert; merging it reverts the last promotion and holds the version.',
    alertMarker(a),
  ].join('\n');
}
