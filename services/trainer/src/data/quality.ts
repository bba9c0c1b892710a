import { type LabelledPassenger, REQUIRED_COLUMNS } from './load.ts';

export interface ColumnRange {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/** What the training file looked like; stored in model.json so a reviewer sees the data behind a model. */
export interface DataQualityReport {
  readonly rows: number;
  readonly positives: number;
  readonly positiveRate: number;
  readonly missingShare: Record<string, number>;
  readonly ranges: Record<string, ColumnRange>;
  readonly categories: Record<string, Record<string, number>>;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

export function dataQualityReport(rows: readonly LabelledPassenger[]): DataQualityReport {
  const n = rows.length;
  const positives = rows.reduce((s, r) => s + r.survived, 0);
  const cell: Record<(typeof REQUIRED_COLUMNS)[number], (r: LabelledPassenger) => unknown> = {
    PassengerId: (r) => r.passengerId,
    Survived: (r) => r.survived,
    Pclass: (r) => r.passenger.pclass,
    Name: (r) => r.passenger.name,
    Sex: (r) => r.passenger.sex,
    Age: (r) => r.passenger.age,
    SibSp: (r) => r.passenger.sibsp,
    Parch: (r) => r.passenger.parch,
    Ticket: (r) => r.passenger.ticket,
    Fare: (r) => r.passenger.fare,
    Cabin: (r) => r.passenger.cabin,
    Embarked: (r) => r.passenger.embarked,
  };
  const missingShare: Record<string, number> = {};
  for (const c of REQUIRED_COLUMNS)
    missingShare[c] = round(rows.filter((r) => cell[c](r) == null).length / n);
  const ranges: Record<string, ColumnRange> = {};
  for (const c of ['Age', 'SibSp', 'Parch', 'Fare'] as const) {
    const values = rows.flatMap((r) => {
      const v = cell[c](r);
      return typeof v === 'number' ? [v] : [];
    });
    if (values.length === 0) continue;
    ranges[c] = {
      min: Math.min(...values),
      max: Math.max(...values),
      mean: round(values.reduce((a, b) => a + b, 0) / values.length),
    };
  }
  const categories: Record<string, Record<string, number>> = {};
  for (const c of ['Pclass', 'Sex', 'Embarked'] as const) {
    const counts: Record<string, number> = {};
    for (const r of rows) {
      const key = String(cell[c](r) ?? 'missing');
      counts[key] = (counts[key] ?? 0) + 1;
    }
    categories[c] = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  }
  return { rows: n, positives, positiveRate: round(positives / n), missingShare, ranges, categories };
}
