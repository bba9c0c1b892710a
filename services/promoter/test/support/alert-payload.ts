/** An Alertmanager webhook body (version 4) around the given alerts, as Alertmanager groups them. */
export function webhookPayload<A extends { labels: Record<string, string> }>(
  alerts: A[],
  overrides: Record<string, unknown> = {},
) {
  const first = alerts[0]!;
  const name = first.labels.alertname ?? 'alert';
  return {
    version: '4',
    groupKey: `{}:{alertname="${name}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'promoter',
    groupLabels: { alertname: name },
    commonLabels: first.labels,
    commonAnnotations: {},
    externalURL: `http://alertmanager.titanic-${first.labels.env ?? 'prod'}.svc:9093`,
    alerts,
    ...overrides,
  };
}
