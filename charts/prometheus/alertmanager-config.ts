/**
 * Alertmanager configuration as a typed object: alerts labelled rollback="true" go to the
 * promoter's webhook, authenticated with a bearer token read from a mounted Secret file.
 */
import { PORTS } from '../constants.ts';

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

export interface AlertmanagerConfig {
  readonly global: { readonly resolve_timeout: string };
  readonly route: Route;
  readonly receivers: readonly {
    readonly name: string;
    readonly webhook_configs?: readonly WebhookConfig[];
  }[];
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
  /** Defaults 30s / 5m / 4h; tests shorten them. */
  readonly groupWait?: string;
  readonly groupInterval?: string;
  readonly repeatInterval?: string;
}

export const DEFAULT_RECEIVER = 'default';
export const ROLLBACK_RECEIVER = 'promoter-rollback';

export function promoterWebhookUrl(namespace: string): string {
  return `http://promoter.${namespace}.svc:${PORTS.promoter}/hooks/alertmanager`;
}

export function alertmanagerConfig(input: AlertmanagerConfigInput): AlertmanagerConfig {
  const url = input.promoterUrl ?? promoterWebhookUrl(input.namespace);
  return {
    global: { resolve_timeout: '5m' },
    route: {
      // Alerts without an integration stay visible in Alertmanager and Grafana; wire paging here.
      receiver: DEFAULT_RECEIVER,
      group_by: ['env', 'alertname'],
      group_wait: input.groupWait ?? '30s',
      group_interval: input.groupInterval ?? '5m',
      repeat_interval: input.repeatInterval ?? '4h',
      routes: [{ receiver: ROLLBACK_RECEIVER, matchers: ['rollback="true"'], continue: false }],
    },
    receivers: [
      { name: DEFAULT_RECEIVER },
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
