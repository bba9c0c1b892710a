/** The Prometheus rule-file format (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/). */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly AlertingRule[];
}

export interface RuleFile {
  readonly groups: readonly RuleGroup[];
}

export type Severity = 'critical' | 'warning';

/**
 * Writes an annotation once for two audiences: Prometheus (Go template placeholders) and the rule
 * unit tests (the concrete text Alertmanager would receive), so the two can never drift apart.
 */
export interface TextVars {
  /** The value of an output label of the expression. */
  label(name: string): string;
  /** The alert's value with a fixed number of decimals. */
  value(decimals: number): string;
}

/** One alert before it is bound to an environment's labels and runbook link. */
export interface AlertDefinition {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: Severity;
  /** Opens a rollback pull request for the environment's latest promotion when it fires. */
  readonly rollback: boolean;
  /** Whether the expression keeps a `model_version` output label (the version the pods serve). */
  readonly modelVersion: boolean;
  readonly summary: (t: TextVars) => string;
  readonly description: (t: TextVars) => string;
}
