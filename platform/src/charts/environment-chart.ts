import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { type LabelInput, labels } from './labels.ts';
import type { Placement } from './placement.ts';

/**
 * A chart rendered into one environment: its objects sit in the environment's namespace under
 * the names the chart gives them (no cdk8s name hashes: other objects and humans refer to them).
 */
export class EnvironmentChart extends Chart {
  readonly #envName: string;

  constructor(scope: Construct, id: string, placement: Placement) {
    super(scope, id, { namespace: placement.namespace, disableResourceNameHashes: true });
    this.#envName = placement.envName;
  }

  /** The recommended labels of one of the chart's components in this environment. */
  protected labelsFor(component: Omit<LabelInput, 'env'>): Record<string, string> {
    return labels({ ...component, env: this.#envName });
  }
}
