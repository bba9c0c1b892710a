import type { ModelMetadata } from '@titanic/features';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const pm = (s: { mean: number; std: number }, d = 3) => `${s.mean.toFixed(d)} ± ${s.std.toFixed(d)}`;

/** MODEL_CARD.md: what a reviewer reads before promoting a version. */
export function modelCard(m: ModelMetadata): string {
  const cv = m.metrics.cv;
  const q = (m.dataset as { quality?: { missingShare: Record<string, number> } }).quality;
  const candidates = (
    m.metrics as { candidates?: Array<{ id: string; accuracy: { mean: number }; rocAuc: { mean: number } }> }
  ).candidates;
  const lines = [
    `# Titanic survival model ${m.version}`,
    '',
    `Algorithm: **${m.algorithm}**. Created ${m.created}. ONNX sha256 \`${m.files.onnx.sha256}\`.`,
    '',
    '## Intended use',
    '',
    'Estimates the probability that a passenger of the 1912 RMS Titanic voyage survived, from the fields of the',
    'Kaggle passenger list. It exists to demonstrate and exercise the platform (training, registry, serving,',
    'promotion, monitoring). It is not a model of any other disaster or population and must not be used to make',
    'decisions about people.',
    '',
    '## Data',
    '',
    `Kaggle Titanic \`train.csv\`: ${m.dataset.rows} passengers, sha256 \`${m.dataset.sha256}\`, ` +
      `survival rate ${pct(m.trainingPositiveRate)}.`,
    q
      ? `Missing values: age ${pct(q.missingShare.Age ?? 0)}, cabin ${pct(q.missingShare.Cabin ?? 0)}, port ${pct(q.missingShare.Embarked ?? 0)}.`
      : '',
    '',
    '## Features',
    '',
    `${m.features.length} float32 inputs, in this order: ${m.features.map((f) => `\`${f}\``).join(', ')}.`,
    'Besides class, sex, age, family size, fare, cabin deck, title and port, six travel-group features summarise',
    "what happened to the other known members of the passenger's group (same ticket, or same surname, class and",
    'fare): families and parties were largely saved or lost together. A training passenger never sees its own',
    'outcome; a passenger without ticket or name, or from an unknown group, gets neutral values.',
    'Imputation medians (age by title, fare by class), the port mode and the group table are learned on the',
    'training rows only and stored in `model.json` (`encoder`); during cross-validation they are re-learned on',
    'each training fold, so no held-out row influences them.',
    '',
    '## Metrics',
    '',
    `Repeated stratified ${cv.folds}-fold cross-validation (${cv.repeats} repeat${cv.repeats > 1 ? 's' : ''}), mean ± standard deviation across folds:`,
    '',
    '| metric | value |',
    '| --- | --- |',
    `| accuracy | ${pm(cv.accuracy)} |`,
    `| ROC AUC | ${pm(cv.rocAuc)} |`,
    `| log loss | ${pm(cv.logLoss)} |`,
    `| Brier score | ${pm(cv.brier)} |`,
    '',
    'The hyper-parameters were chosen by the same cross-validation, so these figures are slightly optimistic.',
    '',
    ...(candidates
      ? [
          '<details><summary>All candidates</summary>',
          '',
          '| candidate | accuracy | ROC AUC |',
          '| --- | --- | --- |',
          ...candidates.map(
            (c) => `| ${c.id} | ${c.accuracy.mean.toFixed(4)} | ${c.rocAuc.mean.toFixed(4)} |`,
          ),
          '',
          '</details>',
          '',
        ]
      : []),
    '![ROC curve](roc.svg)',
    '',
    '## Calibration',
    '',
    'Out-of-fold predictions in ten probability bins (observed rate ± its standard deviation across folds):',
    '',
    '| bin | rows | mean predicted | observed |',
    '| --- | --- | --- | --- |',
    ...m.metrics.calibration.map(
      (b) =>
        `| ${b.lower.toFixed(1)}–${b.upper.toFixed(1)} | ${b.count} | ${b.meanPredicted?.toFixed(3) ?? '–'} | ${
          b.observedRate == null
            ? '–'
            : `${b.observedRate.toFixed(3)}${b.observedRateStd == null ? '' : ` ± ${b.observedRateStd.toFixed(3)}`}`
        } |`,
    ),
    '',
    calibrationSentence(m),
    '',
    '![Calibration plot](calibration.svg)',
    '',
    '## Limits',
    '',
    '- 891 rows: fold-to-fold spread is a few points of accuracy; differences smaller than that are noise.',
    '- Passengers unlike the 1912 passenger list (fares, classes, family sizes outside its ranges) get extrapolated scores.',
    '- Missing optional fields (name, cabin, ticket) are allowed; the title then falls back to sex and age, which is',
    '  less informative, so such predictions are less sharp.',
    '- The group features only help passengers travelling with someone from the 1912 training list; for anyone',
    '  else the model falls back on the individual features.',
    '- `model.json` carries the (public, historical) outcome of each training passenger for the group lookup.',
    '- The training histograms in `model.json` are the baseline for drift monitoring (population stability index).',
    '',
    '## Fairness note',
    '',
    'Sex and ticket class are the strongest predictors because the 1912 evacuation followed "women and children',
    'first" and third-class passengers had worse access to the boats. The model reproduces these historical',
    'disparities on purpose, as a description of what happened; it encodes no judgement about anyone, and it would',
    'be discriminatory to reuse its scores for any decision about living people.',
    '',
  ];
  return lines.join('\n');
}

function calibrationSentence(m: ModelMetadata): string {
  const fit = (
    m.metrics as {
      calibrationFit?: {
        slope: number;
        intercept: number;
        applied: boolean;
        expectedCalibrationError: number;
      };
    }
  ).calibrationFit;
  if (!fit) return '';
  return (
    `Regressing the outcomes on the out-of-fold log-odds gives a calibration slope of ${fit.slope.toFixed(3)} and an intercept of ` +
    `${fit.intercept.toFixed(3)} (ideal: 1 and 0); expected calibration error ${fit.expectedCalibrationError.toFixed(3)}. ` +
    (fit.applied
      ? 'The shipped model applies this logistic (Platt) correction to its log-odds.'
      : 'That is within ±0.1 of ideal, so the shipped model applies no correction.')
  );
}
