/**
 * Alertmanager configuration as a typed object: every alert pages the environment's human receiver;
 * alerts labelled rollback="true" also go to the promoter's webhook, authenticated with a bearer
 * token read from a mounted Secret file.
 */
import type { Environment } from '../../environments/schema.ts';
import { NAMES, PORTS } from '../constants.ts';

export interface WebhookConfig {
  readonly url: string;
  readonly send_resolved: boolean;
  readonly max_alerts?: number;
  readonly http_config: {
    readonly authorization: { readonly type: 'Bearer'; readonly credentials_file: string };
  };
}

export interface Route {
  readonly receiver: string;
  readonly group_by?: readonly string[];
  readonly group_wait?: string;
  readonly group_interval?: string;
  readonly repeat_interval?: string;
  readonly matchers?: readonly string[];
  readonly continue?: boolean;
  readonly routes?: readonly Route[];
}

/** The pager integrations; secret parts always come from files (`*_file`). */
export interface PagerReceiver {
  readonly name: string;
  readonly slack_configs?: readonly {
    api_url_file: string;
    channel: string;
    send_resolved: boolean;
    title: string;
    text: string;
  }[];
  readonly pagerduty_configs?: readonly {
    routing_key_file: string;
    send_resolved: boolean;
    description: string;
  }[];
  readonly email_configs?: readonly {
    to: string;
    from: string;
    smarthost: string;
    auth_username: string;
    auth_password_file: string;
    require_tls: boolean;
    send_resolved: boolean;
  }[];
  readonly webhook_configs?: readonly WebhookConfig[];
}

export interface AlertmanagerConfig {
  readonly global: { readonly resolve_timeout: string };
  readonly route: Route;
  readonly receivers: readonly (
    | PagerReceiver
    | { readonly name: string; readonly webhook_configs?: readonly WebhookConfig[] }
  )[];
  readonly inhibit_rules: readonly {
    readonly source_matchers: readonly string[];
    readonly target_matchers: readonly string[];
    readonly equal: readonly string[];
  }[];
}

export interface AlertmanagerConfigInput {
  /** The environment this Alertmanager serves (its namespace hosts the promoter Service by default). */
  readonly namespace: string;
  /** Promoter webhook; default `http://promoter.<namespace>.svc:8090/hooks/alertmanager`. */
  readonly promoterUrl?: string;
  /** File holding the shared bearer token (mounted from a Secret). */
  readonly credentialsFile: string;
  /** The human receiver (environments/<env>.yaml monitoring.pager). */
  readonly pager: Environment['monitoring']['pager'];
  /** File holding the pager's secret part (mounted from `pager.secret`). */
  readonly pagerSecretFile: string;
  /** Defaults 30s / 5m / 4h; tests shorten them. */
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
}

export const PAGER_RECEIVER = 'pager';
export const ROLLBACK_RECEIVER = 'promoter-rollback';

/** The rendered promoter Service of the namespace (charts/promoter). */
export function promoterWebhookUrl(namespace: string): string {
  return `http://${NAMES.promoter}.${namespace}.svc:${PORTS.promoter}/hooks/alertmanager`;
}

const SUMMARY = '{{ .CommonLabels.env }}: {{ .CommonLabels.alertname }} ({{ .Status }})';
const DETAILS = '{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\n{{ end }}';

export function pagerReceiver(pager: AlertmanagerConfigInput['pager'], file: string): PagerReceiver {
  const name = PAGER_RECEIVER;
  if (pager.slack)
    return {
      name,
      slack_configs: [
        {
          api_url_file: file,
          channel: pager.slack.channel,
          send_resolved: true,
          title: SUMMARY,
          text: DETAILS,
        },
      ],
    };
  if (pager.pagerduty)
    return {
      name,
      pagerduty_configs: [{ routing_key_file: file, send_resolved: true, description: SUMMARY }],
    };
  if (pager.email)
    return {
      name,
      email_configs: [
        {
          to: pager.email.to,
          from: pager.email.from,
          smarthost: pager.email.smarthost,
          auth_username: pager.email.authUsername,
          auth_password_file: file,
          require_tls: true,
          send_resolved: true,
        },
      ],
    };
  if (pager.webhook)
    return {
      name,
      webhook_configs: [
        {
          url: pager.webhook.url,
          send_resolved: true,
          http_config: { authorization: { type: 'Bearer', credentials_file: file } },
        },
      ],
    };
  throw new Error('monitoring.pager: expected one of slack, pagerduty, email, webhook');
}

export function alertmanagerConfig(input: AlertmanagerConfigInput): AlertmanagerConfig {
  const url = input.promoterUrl ?? promoterWebhookUrl(input.namespace);
  return {
    global: { resolve_timeout: '5m' },
    route: {
      receiver: PAGER_RECEIVER,
      group_by: ['env', 'alertname'],
      group_wait: input.groupWait ?? '30s',
      group_interval: input.groupInterval ?? '5m',
      repeat_interval: input.repeatInterval ?? '4h',
      routes: [
        // The promoter acts on rollback alerts and routing continues, so a human hears of them too.
        { receiver: ROLLBACK_RECEIVER, matchers: ['rollback="true"'], continue: true },
        // A matching child route replaces the root's receiver: this catch-all keeps every alert paging.
        { receiver: PAGER_RECEIVER },
      ],
    },
    receivers: [
      pagerReceiver(input.pager, input.pagerSecretFile),
      {
        name: ROLLBACK_RECEIVER,
        webhook_configs: [
          {
            url,
            // A rollback is a one-way action; resolution notices would only be noise for the promoter.
            send_resolved: false,
            max_alerts: 0,
            http_config: { authorization: { type: 'Bearer', credentials_file: input.credentialsFile } },
          },
        ],
      },
    ],
    inhibit_rules: [
      // A page for the same alert makes the warning redundant.
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['env', 'alertname'],
      },
    ],
  };
}
