import type { RuleContext } from './context.ts';
import { inferenceSelector } from './selectors.ts';
import type { AlertDefinition } from './types.ts';

/**
 * Ground truth and the shadow. The live Brier score is each pod's window weighted by its label
 * count, so the pods that saw most labels count most; it is compared with the cross-validated
 * Brier the same version's model card reports (exported by the pods), for the version the pods
 * serve, never the shadow's.
 */
export function liveQualityAlerts({ env }: RuleContext): AlertDefinition[] {
  const { brierMargin, minLabels } = env.liveQuality;
  const sel = inferenceSelector(env.name);
  const labels = `sum by (env, model_version) (titanic_live_labels${sel})`;
  const live = `sum by (env, model_version) (titanic_live_brier${sel} * titanic_live_labels${sel}) / ${labels}`;
  const card = `max by (env, model_version) (titanic_model_card_brier${sel})`;
  const served = `label_replace(max by (env, version) (titanic_model_info${sel}), "model_version", "$1", "version", "(.*)")`;
  return [
    {
      alert: 'LiveBrierAboveModelCard',
      expr: `(${live}) > on (env, model_version) (${card} + ${brierMargin}) and on (env, model_version) (${labels} >= ${minLabels}) and on (env, model_version) ${served}`,
      for: '15m',
      severity: 'critical',
      rollback: true,
      modelVersion: true,
      summary: (x) =>
        `Live Brier score ${x.value(3)} of model ${x.label('model_version')} is worse than its model card in ${env.name}`,
      description: (x) =>
        `Over the recent labelled predictions (at least ${minLabels}), model ${x.label('model_version')} has a live ` +
        `Brier score of ${x.value(3)}, more than ${brierMargin} above the cross-validated Brier score of its ` +
        `model card, in ${env.name}. Ground truth says the served model is worse than it was trained to be.`,
    },
    {
      alert: 'ShadowModelNotLoaded',
      expr: `max by (env) ((titanic_shadow_configured${sel} == 1) and on (instance) (titanic_shadow_ready${sel} == 0))`,
      for: '5m',
      severity: 'warning',
      rollback: false,
      modelVersion: false,
      summary: () => `The shadow model did not load in ${env.name}`,
      description: () =>
        `Pods in ${env.name} have model.shadow pinned but serve without it (its modelcar step or load failed). ` +
        `Predictions are unaffected; no shadow evidence accrues until it loads.`,
    },
  ];
}
