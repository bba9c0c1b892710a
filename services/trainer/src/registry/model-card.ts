import type { ModelMetadata } from '@titanic/features';
import {
  calibrationComments,
  fairnessSection,
  importanceSection,
  travelGroupSection,
} from './card-sections.ts';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const pm = (s: { mean: number; std: number }, d = 3) => `${s.mean.toFixed(d)} ± ${s.std.toFixed(d)}`;

/** MODEL_CARD.md: what a reviewer reads before promoting a version. */
export function modelCard(m: ModelMetadata): string {
  const cv = m.metrics.cv;
  const q = (m.dataset as { quality?: { missingShare: Record<string, number> } }).quality;
  const candidates = (
    m.metrics as {
      candidates?: Array<{
        id: string;
        folds?: number;
        accuracy: { mean: number };
        rocAuc: { mean: number };
        logLoss: { mean: number };
      }>;
    }
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
    'outcome, in training or when served: the server recognises a training passenger by name, ticket, class and',
    'sex and leaves its own outcome out, exactly as the training matrix did. A new passenger of a known group sees',
    'every known member; a passenger without ticket or name, or from an unknown group, gets neutral values.',
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
    'The hyper-parameters were chosen by the same cross-validation, so these figures are slightly optimistic;',
    '`npm run train -- --nested` re-runs the whole training inside an outer cross-validation to measure that.',
    'Every tree ensemble stops early on an inner validation split of its training rows. The search is successive',
    'halving: every candidate runs the first repeat, the better half of each family runs the others (the',
    '"folds" column says how many folds a candidate was scored on).',
    '',
    ...(cv.pooledRocAuc == null
      ? []
      : [
          `The table's ROC AUC is the mean of the ${cv.folds * cv.repeats} per-fold values; the ROC curve below pools every`,
          `out-of-fold prediction instead (AUC ${cv.pooledRocAuc.toFixed(3)}). Pooling also ranks passengers of different folds`,
          'against each other, whose models differ slightly, so the two figures differ a little; the per-fold mean',
          'is the one used to choose and compare models.',
          '',
        ]),
    ...(candidates
      ? [
          '<details><summary>All candidates</summary>',
          '',
          '| candidate | folds | accuracy | ROC AUC | log loss |',
          '| --- | --- | --- | --- | --- |',
          ...candidates.map(
            (c) =>
              `| ${c.id} | ${c.folds ?? cv.folds * cv.repeats} | ${c.accuracy.mean.toFixed(4)} | ${c.rocAuc.mean.toFixed(4)} | ${c.logLoss.mean.toFixed(4)} |`,
          ),
          '',
          '</details>',
          '',
        ]
      : []),
    '![ROC curve](roc.svg)',
    '',
    ...travelGroupSection(m.metrics),
    '## Calibration',
    '',
    `Out-of-fold predictions in ten probability bins (observed rate ± its standard deviation across folds); "passengers" counts one CV repeat (the predictions of all ${cv.repeats} repeats are pooled):`,
    '',
    '| bin | passengers | mean predicted | observed |',
    '| --- | --- | --- | --- |',
    ...m.metrics.calibration.map(
      (b) =>
        `| ${b.lower.toFixed(1)}–${b.upper.toFixed(1)} | ${b.passengersPerRepeat == null ? b.count : Number.isInteger(b.passengersPerRepeat) ? b.passengersPerRepeat : b.passengersPerRepeat.toFixed(1)} | ${b.meanPredicted?.toFixed(3) ?? '–'} | ${
          b.observedRate == null
            ? '–'
            : `${b.observedRate.toFixed(3)}${b.observedRateStd == null ? '' : ` ± ${b.observedRateStd.toFixed(3)}`}`
        } |`,
    ),
    '',
    ...calibrationComments(m.metrics),
    calibrationSentence(m),
    '',
    '![Calibration plot](calibration.svg)',
    '',
    ...importanceSection(m.metrics),
    ...fairnessSection(m.metrics),
    '## Limits',
    '',
    '- 891 rows: fold-to-fold spread is a few points of accuracy; differences smaller than that are noise.',
    '- Passengers unlike the 1912 passenger list (fares, classes, family sizes outside its ranges) get extrapolated scores.',
    '- Missing optional fields (name, cabin, ticket) are allowed; the title then falls back to sex and age, which is',
    '  less informative, so such predictions are less sharp.',
    '- The group features only help passengers travelling with someone from the 1912 training list; for anyone',
    '  else the model falls back on the individual features.',
    '- `model.json` carries the (public, historical) outcome of each training passenger for the group lookup.',
    '- The histograms in `model.json` (`trainingHistograms`) are the baseline for drift monitoring (population',
    '  stability index) of every feature. They are built from out-of-fold encodings (each training passenger as',
    '  encoded by the fold that held it out), which is what the server produces for passengers it was not trained',
    '  on; replayed training passengers are encoded leave-one-out and stay close to it.',
    '- A training passenger sent with a different name or ticket than in the file is not recognised and sees its',
    '  own outcome in the group features.',
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
