import type { Passenger } from '@titanic/features';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { TrainerError } from '../errors.ts';

/** Columns the Kaggle file must have; any order, extra columns are ignored. */
export const REQUIRED_COLUMNS = [
  'PassengerId',
  'Survived',
  'Pclass',
  'Name',
  'Sex',
  'Age',
  'SibSp',
  'Parch',
  'Ticket',
  'Fare',
  'Cabin',
  'Embarked',
] as const;

export interface LabelledPassenger {
  readonly passengerId: number;
  readonly survived: 0 | 1;
  readonly passenger: Passenger;
}

/** How many problems the error lists before "… and N more". */
const MAX_LISTED = 5;

const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);
const numeric = (what: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z.number({ error: `expected ${what}` }).refine(Number.isFinite, `expected ${what}`),
  );
/** A whole number in [min, max]; `what` already names the range when it lists the values. */
const integer = (what: string, min: number, max: number, range = `${what} between ${min} and ${max}`) =>
  numeric(what)
    .refine(Number.isInteger, `expected ${what}`)
    .refine((v) => v >= min && v <= max, `expected ${range}`);

/** One CSV row as text → typed values. Messages say what a cell should be, not what zod saw. */
const rowSchema = z.object({
  PassengerId: integer('a positive whole number', 1, 1_000_000),
  Survived: integer('0 or 1', 0, 1, '0 or 1'),
  Pclass: integer('1, 2 or 3', 1, 3, '1, 2 or 3'),
  Name: z.string().trim().min(1, 'expected a name').max(200, 'expected at most 200 characters'),
  Sex: z.enum(['male', 'female'], { error: 'expected "male" or "female"' }),
  Age: z.preprocess(
    blankToNull,
    numeric('a number of years or an empty cell')
      .refine((v) => v >= 0 && v <= 120, 'expected an age between 0 and 120')
      .nullable(),
  ),
  SibSp: integer('a whole number', 0, 20),
  Parch: integer('a whole number', 0, 20),
  Ticket: z.string().max(100, 'expected at most 100 characters'),
  Fare: z.preprocess(
    blankToNull,
    numeric('a number or an empty cell')
      .refine((v) => v >= 0 && v <= 10_000, 'expected a fare between 0 and 10000')
      .nullable(),
  ),
  Cabin: z.preprocess(blankToNull, z.string().max(100, 'expected at most 100 characters').nullable()),
  Embarked: z.preprocess(
    blankToNull,
    z.enum(['S', 'C', 'Q'], { error: 'expected port S, C or Q (or an empty cell)' }).nullable(),
  ),
});

interface ParsedRecord {
  readonly record: string[];
  readonly raw: string;
  /** csv-parse's line count when the record ended. */
  readonly info: { readonly lines: number };
}

/**
 * The file line a record starts on: csv-parse counts lines up to the record's end, so a quoted
 * field spanning lines is subtracted (the raw text also carries skipped blank lines before the
 * record and its own line break, neither of which moves the start).
 */
function firstLine(record: ParsedRecord): number {
  const body = record.raw.replace(/^(?:\r?\n)+/, '').replace(/\r?\n$/, '');
  let inner = 0;
  for (const ch of body) if (ch === '\n') inner++;
  return record.info.lines - inner;
}

/**
 * Parses and validates the training CSV. Every problem names its data row (1 = first row
 * after the header), its file line and column, so a broken export can be fixed by hand.
 */
export function loadTrainingCsv(text: string, origin = 'training data'): LabelledPassenger[] {
  if (text.trim() === '')
    throw new TrainerError(`${origin}: the file is empty (expected a header and data rows)`);
  let parsed: ParsedRecord[];
  try {
    parsed = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      raw: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    throw new TrainerError(`${origin}: not a valid CSV file: ${(err as Error).message}`);
  }
  const [header, ...body] = parsed.map((r) => r.record);
  const lines = parsed.slice(1).map(firstLine);
  if (!header) throw new TrainerError(`${origin}: the file is empty (expected a header and data rows)`);
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    throw new TrainerError(
      `${origin}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected ${REQUIRED_COLUMNS.join(', ')})`,
    );
  }
  if (body.length === 0) throw new TrainerError(`${origin}: only a header, no data rows`);

  const problems: string[] = [];
  const rows: LabelledPassenger[] = [];
  const firstRowOfId = new Map<number, number>();
  body.forEach((cells, i) => {
    const rowNo = i + 1;
    const where = `row ${rowNo} (line ${lines[i]})`;
    if (cells.length !== header.length) {
      problems.push(`${where}: has ${cells.length} cells, the header has ${header.length}`);
      return;
    }
    const raw = Object.fromEntries(header.map((h, j) => [h, cells[j]]));
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const column = String(issue.path[0] ?? '?');
        problems.push(
          `${where}, column ${column}: ${issue.message} (got ${JSON.stringify(raw[column] ?? '')})`,
        );
      }
      return;
    }
    const r = parsed.data;
    const seen = firstRowOfId.get(r.PassengerId);
    if (seen !== undefined) {
      problems.push(`${where}, column PassengerId: ${r.PassengerId} duplicates row ${seen}`);
      return;
    }
    firstRowOfId.set(r.PassengerId, rowNo);
    rows.push({
      passengerId: r.PassengerId,
      survived: r.Survived as 0 | 1,
      passenger: {
        pclass: r.Pclass,
        sex: r.Sex,
        age: r.Age,
        sibsp: r.SibSp,
        parch: r.Parch,
        fare: r.Fare,
        embarked: r.Embarked,
        name: r.Name,
        cabin: r.Cabin,
        ticket: r.Ticket.trim() === '' ? null : r.Ticket,
      },
    });
  });
  if (problems.length) {
    const listed = problems.slice(0, MAX_LISTED);
    if (problems.length > MAX_LISTED) listed.push(`… and ${problems.length - MAX_LISTED} more`);
    throw new TrainerError(`${origin}: ${problems.length} invalid row value(s)`, listed);
  }
  return rows;
}
