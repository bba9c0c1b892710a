import type { TextVars } from './types.ts';

/** Go template placeholders that Prometheus expands when the alert fires. */
export const templateText: TextVars = {
  label: (name) => `{{ $labels.${name} }}`,
  value: (decimals) => `{{ printf "%.${decimals}f" $value }}`,
};

/** The text Prometheus produces for known labels and value (Go's %.Nf and JS toFixed agree off ties). */
export function concreteText(labels: Readonly<Record<string, string>>, value: number): TextVars {
  return {
    label: (name) => labels[name] ?? '<no value>',
    value: (decimals) => value.toFixed(decimals),
  };
}
