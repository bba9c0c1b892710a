import { concreteText } from '@titanic/platform/charts/prometheus/alert-rules/text.ts';
import {
  type AlertRulesOptions,
  alertGroups,
  runbookUrl,
} from '@titanic/platform/charts/prometheus/alert-rules.ts';
import type { Environment } from '@titanic/platform/environments/schema.ts';
import { ruleCases } from './rule-cases.ts';

const UNIT_MINUTES: Record<string, number> = { s: 1 / 60, m: 1, h: 60, d: 1440, w: 10080 };

/** Minutes in a Prometheus duration like 30s, 5m, 1h30m. */
export function minutes(duration: string): number {
  const parts = [...duration.matchAll(/(\d+)([smhdw])/g)];
  if (parts.length === 0) throw new Error(`not a duration: ${duration}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MINUTES[unit!]!, 0);
}

/**
 * A `promtool test rules` file for the rules of `env`: per alert one scenario that must fire it with
 * exactly the expected labels and annotations after its `for`, and one that must stay silent.
 */
export function promtoolTests(env: Environment, rulesFile: string, options: AlertRulesOptions) {
  const defs = Object.values(alertGroups(env, options)).flat();
  const tests = defs.flatMap((def) => {
    const evalMinutes =
      Math.ceil(minutes(options.forOverride ?? def.for) + minutes(options.rateWindow ?? '5m')) + 2;
    const samples = evalMinutes + 5;
    const c = ruleCases(env, samples, options)[def.alert]!;
    const labels = {
      severity: def.severity,
      env: env.name,
      rollback: String(def.rollback),
      ...c.fire.labels,
    };
    const text = concreteText(labels, c.fire.value);
    const evalTime = `${evalMinutes}m`;
    return [
      {
        name: `${def.alert} fires`,
        interval: '1m',
        input_series: c.fire.series,
        alert_rule_test: [
          {
            eval_time: evalTime,
            alertname: def.alert,
            exp_alerts: [
              {
                exp_labels: labels,
                exp_annotations: {
                  summary: def.summary(text),
                  description: def.description(text),
                  runbook_url: runbookUrl(def.alert),
                },
              },
            ],
          },
        ],
      },
      {
        name: `${def.alert} stays silent`,
        interval: '1m',
        input_series: c.quiet.series,
        alert_rule_test: [{ eval_time: evalTime, alertname: def.alert, exp_alerts: [] }],
      },
    ];
  });
  return { rule_files: [rulesFile], evaluation_interval: '1m', tests };
}
