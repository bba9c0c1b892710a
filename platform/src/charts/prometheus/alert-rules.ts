import { REPO_BRANCH, REPO_SLUG } from '../constants.ts';
import type { AlertedEnvironment, RuleContext } from './alert-rules/context.ts';
import { modelAlerts } from './alert-rules/model.ts';
import { platformAlerts } from './alert-rules/platform.ts';
import { predictionLogAlerts } from './alert-rules/prediction-log.ts';
import { serviceAlerts } from './alert-rules/service.ts';
import { templateText } from './alert-rules/text.ts';
import type { AlertDefinition, AlertingRule, RuleFile } from './alert-rules/types.ts';

export type { AlertedEnvironment } from './alert-rules/context.ts';
export type { AlertDefinition, AlertingRule, RuleFile, RuleGroup } from './alert-rules/types.ts';

/** Where each alert's runbook section lives (GitHub anchors are the lower-cased heading). */
export const RUNBOOK_BASE = `https://github.com/${REPO_SLUG}/blob/${REPO_BRANCH}/docs/runbooks.md`;

export interface AlertRulesOptions {
  /** Replaces every `for` duration; only tests shorten it. */
  readonly forOverride?: string;
  /** Range of rate() windows; default 5m. */
  readonly rateWindow?: string;
  /** Rule evaluation interval of every group; default Prometheus' global one. */
  readonly evaluationInterval?: string;
  /**
   * Training positive rate of the pinned model (`trainingPositiveRate` of its model.json), the
   * prediction-shift baseline. Baked into the rule so that a promotion PR, which re-renders dist/,
   * moves the baseline with the model.
   */
  readonly trainingPositiveRate: number;
}

/** Every alert definition of an environment, grouped as in the rule file. */
export function alertGroups(
  env: AlertedEnvironment,
  options: AlertRulesOptions,
): Record<string, AlertDefinition[]> {
  const ctx: RuleContext = {
    env,
    rateWindow: options.rateWindow ?? '5m',
    trainingPositiveRate: options.trainingPositiveRate,
  };
  return {
    'titanic-inference': serviceAlerts(ctx),
    'titanic-prediction-log': predictionLogAlerts(ctx),
    'titanic-model': modelAlerts(ctx),
    'titanic-platform': platformAlerts(ctx),
  };
}

export function runbookUrl(alert: string): string {
  return `${RUNBOOK_BASE}#${alert.toLowerCase()}`;
}

function toRule(def: AlertDefinition, env: AlertedEnvironment, options: AlertRulesOptions): AlertingRule {
  return {
    alert: def.alert,
    expr: def.expr,
    for: options.forOverride ?? def.for,
    labels: {
      severity: def.severity,
      env: env.name,
      rollback: String(def.rollback),
    },
    annotations: {
      summary: def.summary(templateText),
      description: def.description(templateText),
      runbook_url: runbookUrl(def.alert),
    },
  };
}

/** The Prometheus rule file of one environment: thresholds from its `monitoring.alerts` block. */
export function alertRules(env: AlertedEnvironment, options: AlertRulesOptions): RuleFile {
  const groups = alertGroups(env, options);
  return {
    groups: Object.entries(groups).map(([name, defs]) => ({
      name,
      ...(options.evaluationInterval ? { interval: options.evaluationInterval } : {}),
      rules: defs.map((d) => toRule(d, env, options)),
    })),
  };
}
