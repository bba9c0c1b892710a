import type { RuleContext } from './context.ts';
import { fromWarmPods, inferenceSelector, withModelVersion } from './selectors.ts';
import type { AlertDefinition } from './types.ts';

/**
 * Input drift and prediction shift of the served model against its own training data. Drift
 * covers every feature, the travel-group look-ups included: the model's baselines are out-of-fold
 * encodings, which is what serving produces for passengers outside the training data.
 * Prediction shift compares the mean predicted probability, not the share predicted "survived":
 * for a calibrated model the mean probability estimates the survival rate, so on training-like
 * traffic it sits at the training rate instead of a threshold-dependent offset from it.
 */
export function modelAlerts({ env, trainingPositiveRate }: RuleContext): AlertDefinition[] {
  const t = env.monitoring.alerts;
  const sel = inferenceSelector(env.name);
  const rate = trainingPositiveRate;
  return [
    {
      alert: 'ModelFeatureDrift',
      expr: `max by (env, model_version, feature) (${withModelVersion(fromWarmPods(`titanic_feature_psi${sel}`, env.name), env.name)}) > ${t.psi.threshold}`,
      for: t.psi.for,
      severity: 'critical',
      rollback: true,
      modelVersion: true,
      summary: (x) => `Feature ${x.label('feature')} drifted (PSI ${x.value(2)}) in ${env.name}`,
      description: (x) =>
        `The population stability index of feature ${x.label('feature')} over the recent served inputs is ` +
        `${x.value(3)} against the training data of model ${x.label('model_version')} ` +
        `(threshold ${t.psi.threshold} for ${t.psi.for}) in ${env.name}.`,
    },
    {
      alert: 'ModelPredictionShift',
      expr: `abs(avg by (env, model_version) (${withModelVersion(fromWarmPods(`titanic_served_mean_probability${sel}`, env.name), env.name)}) - ${rate}) > ${t.predictionShift}`,
      for: t.psi.for,
      severity: 'critical',
      rollback: true,
      modelVersion: true,
      summary: (x) => `Mean predicted survival moved ${x.value(2)} from training in ${env.name}`,
      description: (x) =>
        `The mean predicted survival probability of recent passengers differs by ${x.value(3)} from the ` +
        `training survival rate ${rate} of model ${env.model.version} (threshold ${t.predictionShift}); ` +
        `served model ${x.label('model_version')} in ${env.name}.`,
    },
  ];
}
