/** Kubernetes recommended labels (app.kubernetes.io/*), identical on every object of a component. */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';

export const RECOMMENDED_LABELS = [
  LABEL_NAME,
  LABEL_INSTANCE,
  LABEL_VERSION,
  LABEL_COMPONENT,
  LABEL_PART_OF,
  LABEL_MANAGED_BY,
] as const;

export interface LabelInput {
  /** Component name, e.g. `inference`. */
  readonly name: string;
  /** Environment name; the instance is `<name>-<env>`. */
  readonly env: string;
  readonly version: string;
  /** Role in the architecture, e.g. `server`, `database`, `monitoring`. */
  readonly component: string;
}

export function labels(input: LabelInput): Record<string, string> {
  return {
    [LABEL_NAME]: input.name,
    [LABEL_INSTANCE]: `${input.name}-${input.env}`,
    [LABEL_VERSION]: sanitizeLabelValue(input.version),
    [LABEL_COMPONENT]: input.component,
    [LABEL_PART_OF]: 'titanic',
    [LABEL_MANAGED_BY]: 'cdk8s',
  };
}

/** The stable subset used in selectors (a selector must not change when the version does). */
export function selectorLabels(input: Pick<LabelInput, 'name' | 'env'>): Record<string, string> {
  return { [LABEL_NAME]: input.name, [LABEL_INSTANCE]: `${input.name}-${input.env}` };
}

/** Label values: ≤ 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric. */
export function sanitizeLabelValue(value: string): string {
  return value
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
