import type { ModelMetadata } from '@titanic/features';

type Metrics = ModelMetadata['metrics'];
type Slice = NonNullable<Metrics['fairness']>[number];

const rate = (v: number | null) => (v == null ? '–' : v.toFixed(3));
const pm = (s: { mean: number; std: number }, d = 3) => `${s.mean.toFixed(d)} ± ${s.std.toFixed(d)}`;
const count = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

function sliceTable(slices: readonly Slice[]): string[] {
  return [
    '| group | passengers per repeat | accuracy | true-positive rate | false-positive rate | mean predicted | observed survival | ROC AUC | log loss |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...slices.map(
      (s) =>
        `| ${s.slice} | ${count(s.passengers)} | ${s.accuracy.toFixed(3)} | ${rate(s.truePositiveRate)} | ${rate(s.falsePositiveRate)} | ${s.meanPredicted.toFixed(3)} | ${s.observedRate.toFixed(3)} | ${rate(s.rocAuc)} | ${s.logLoss.toFixed(3)} |`,
    ),
  ];
}

export function fairnessSection(m: Metrics): string[] {
  if (!m.fairness) return [];
  return [
    '## Fairness: figures by sex and by class',
    '',
    'Out-of-fold predictions of the champion (every CV repeat pooled; a passenger is predicted to survive at',
    'probability ≥ 0.5). True-positive rate: survivors predicted to survive; false-positive rate: the dead',
    'predicted to survive.',
    '',
    ...sliceTable(m.fairness),
    '',
    ...disparitySentence(m.fairness),
    '',
  ];
}

export function travelGroupSection(m: Metrics): string[] {
  const b = m.noGroupBaseline;
  const lines: string[] = [];
  if (m.travelGroups) {
    lines.push(
      '## With and without a known travel group',
      '',
      'A held-out passenger "has a known travel group" when another passenger on the same ticket (or with the same',
      "surname, class and fare) was among the fold's training rows — what a served passenger from a group in the",
      'training file gets. The others are scored on their own features only.',
      '',
      ...sliceTable(m.travelGroups),
      '',
    );
  }
  if (b) {
    const row = (name: string, s: typeof b.withGroups) =>
      `| ${name} | ${pm(s.accuracy)} | ${pm(s.rocAuc)} | ${pm(s.logLoss)} | ${pm(s.brier)} |`;
    lines.push(
      `Baseline without the group features: the champion's configuration refitted on the ${b.folds} folds of the`,
      'first CV repeat with the six group features held at their neutral values, against the champion on the same',
      'folds:',
      '',
      '| model | accuracy | ROC AUC | log loss | Brier |',
      '| --- | --- | --- | --- | --- |',
      row('champion, with group features', b.withGroups),
      row('without group features', b.withoutGroups),
      '',
    );
  }
  return lines;
}

export function importanceSection(m: Metrics): string[] {
  if (!m.importance) return [];
  return [
    '## Permutation importance',
    '',
    'Each passenger field is shuffled among the held-out passengers of every fold of the first CV repeat, the',
    "passengers are re-encoded exactly as the server would encode them and scored by that fold's champion; the",
    'table shows how much the held-out ROC AUC falls and the log loss rises (mean ± spread across folds, five',
    'shuffles per fold). Shuffling `name` moves the title and the family group with it; shuffling `ticket`',
    'moves the ticket group. Values near zero (or below) mean the model does not need the field given the others.',
    '',
    '| field | ROC AUC drop | log loss rise |',
    '| --- | --- | --- |',
    ...m.importance.map((f) => `| ${f.field} | ${pm(f.rocAucDrop, 4)} | ${pm(f.logLossRise, 4)} |`),
    '',
    '![Permutation importance](importance.svg)',
    '',
  ];
}

/** A sentence for every calibration bin whose observed rate is more than 0.1 from its prediction. */
export function calibrationComments(m: Metrics): string[] {
  const off = m.calibration.filter(
    (b) =>
      b.meanPredicted != null && b.observedRate != null && Math.abs(b.meanPredicted - b.observedRate) > 0.1,
  );
  if (off.length === 0) return ['Every bin with predictions is within 0.1 of its mean prediction.', ''];
  return [
    ...off.map((b) => {
      const n = b.passengersPerRepeat ?? b.count;
      const p = b.meanPredicted!;
      // Binomial standard error of the observed rate for one repeat's passengers in the bin.
      const se = Math.sqrt((p * (1 - p)) / Math.max(1, n));
      const gap = b.observedRate! - p;
      const verdict =
        Math.abs(gap) <= 2 * se
          ? `within two standard errors (${(2 * se).toFixed(3)}) of the prediction for ${count(n)} passengers, so it is noise rather than a bias`
          : `more than two standard errors (${(2 * se).toFixed(3)}) away: the model ${gap > 0 ? 'underestimates' : 'overestimates'} survival in this range`;
      return `- Bin ${b.lower.toFixed(1)}–${b.upper.toFixed(1)}: predicted ${p.toFixed(3)}, observed ${b.observedRate!.toFixed(3)}; ${verdict}.`;
    }),
    '',
  ];
}

function disparitySentence(slices: readonly Slice[]): string[] {
  const get = (name: string) => slices.find((s) => s.slice === name);
  const [f, mm, c1, c3] = [get('sex=female'), get('sex=male'), get('pclass=1'), get('pclass=3')];
  const figures =
    f && mm && c1 && c3
      ? [
          `It predicts survival for women ${f.meanPredicted.toFixed(2)} on average against ${mm.meanPredicted.toFixed(2)} for men, and`,
          `${c1.meanPredicted.toFixed(2)} in first class against ${c3.meanPredicted.toFixed(2)} in third, close to what happened`,
          `(${f.observedRate.toFixed(2)}, ${mm.observedRate.toFixed(2)}, ${c1.observedRate.toFixed(2)}, ${c3.observedRate.toFixed(2)}). Its errors differ by group accordingly:`,
          `a woman who died is predicted to survive at a rate of ${rate(f.falsePositiveRate)} (men: ${rate(mm.falsePositiveRate)}), and a man who`,
          `survived is recognised at a rate of ${rate(mm.truePositiveRate)} (women: ${rate(f.truePositiveRate)}).`,
        ]
      : [];
  return [
    'The 1912 evacuation followed "women and children first" and third-class passengers had worse access to the',
    'boats; the model reproduces these historical disparities on purpose, as a description of what happened.',
    ...figures,
    'It encodes no judgement about anyone, and reusing its scores for any decision about living people would be',
    'discriminatory.',
  ];
}
