import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTrainingCsv } from '../../src/data/load.ts';
import { dataQualityReport } from '../../src/data/quality.ts';
import { TrainerError } from '../../src/errors.ts';

const HEADER = 'PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked';
const GOOD = [
  '1,0,3,"Braund, Mr. Owen Harris",male,22,1,0,A/5 21171,7.25,,S',
  '2,1,1,"Cumings, Mrs. John Bradley (Florence Briggs Thayer)",female,38,1,0,PC 17599,71.2833,C85,C',
  '3,1,3,"O\'Dwyer, Miss. Ellen ""Nellie""",female,,0,0,330959,7.8792,,Q',
];
const dir = mkdtempSync(join(tmpdir(), 'trainer-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file to a temp dir and loads it the way the trainer does. */
function load(name: string, lines: string[]) {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return loadTrainingCsv(readFileSync(path, 'utf8'), path);
}

function failure(name: string, lines: string[]): TrainerError {
  try {
    load(name, lines);
  } catch (err) {
    expect(err).toBeInstanceOf(TrainerError);
    return err as TrainerError;
  }
  throw new Error('expected the file to be rejected');
}

describe('loadTrainingCsv', () => {
  it('parses quoted names with commas and doubled quotes, and blanks as unknown', () => {
    const rows = load('good.csv', [HEADER, ...GOOD]);
    expect(rows).toHaveLength(3);
    expect(rows[0]!.passenger.name).toBe('Braund, Mr. Owen Harris');
    expect(rows[2]!.passenger.name).toBe('O\'Dwyer, Miss. Ellen "Nellie"');
    expect(rows[2]!.passenger.age).toBeNull();
    expect(rows[0]!.passenger.cabin).toBeNull();
    expect(rows[1]).toMatchObject({
      passengerId: 2,
      survived: 1,
      passenger: { pclass: 1, embarked: 'C', fare: 71.2833 },
    });
  });

  it('rejects a missing column and names it', () => {
    const err = failure('no-age.csv', [
      HEADER.replace(',Age', ''),
      ...GOOD.map((l) => l.replace(/,(22|38|),(1|0),/, ',$2,')),
    ]);
    expect(err.message).toMatch(/missing column Age/);
  });

  it('rejects a non-numeric age with row, line, column and value', () => {
    const err = failure('bad-age.csv', [HEADER, GOOD[0]!, GOOD[1]!.replace(',38,', ',thirty,')]);
    expect(err.message).toMatch(
      /row 2 \(line 3\), column Age: expected a number of years or an empty cell \(got "thirty"\)/,
    );
  });

  it('rejects an unknown port', () => {
    const err = failure('bad-port.csv', [HEADER, GOOD[0]!.replace(/,S$/, ',X')]);
    expect(err.message).toMatch(/row 1 \(line 2\), column Embarked: expected port S, C or Q/);
  });

  it('rejects an empty file', () => {
    expect(failure('empty.csv', ['']).message).toMatch(/the file is empty/);
  });

  it('rejects a header without rows', () => {
    expect(failure('header.csv', [HEADER]).message).toMatch(/only a header, no data rows/);
  });

  it('rejects a duplicated PassengerId and points at the first occurrence', () => {
    const err = failure('dup.csv', [HEADER, ...GOOD, GOOD[1]!]);
    expect(err.message).toMatch(/row 4 \(line 5\), column PassengerId: 2 duplicates row 2/);
  });

  it('lists the first five problems and counts the rest', () => {
    const bad = Array.from({ length: 8 }, (_, i) => `${i + 1},2,3,"A, Mr. B",male,20,0,0,T,7,,S`);
    const err = failure('many.csv', [HEADER, ...bad]);
    expect(err.message).toMatch(/8 invalid row value\(s\)/);
    expect(err.details).toHaveLength(6);
    expect(err.details[5]).toBe('… and 3 more');
    expect(err.details[0]).toMatch(/row 1 \(line 2\), column Survived: expected 0 or 1/);
  });

  it('rejects rows with a wrong number of cells and out-of-range values', () => {
    expect(failure('short.csv', [HEADER, '1,0,3']).message).toMatch(
      /row 1 \(line 2\): has 3 cells, the header has 12/,
    );
    expect(failure('class.csv', [HEADER, GOOD[0]!.replace(',3,"', ',4,"')]).message).toMatch(
      /column Pclass: expected 1, 2 or 3/,
    );
    expect(failure('sex.csv', [HEADER, GOOD[0]!.replace(',male,', ',m,')]).message).toMatch(
      /column Sex: expected "male" or "female"/,
    );
  });
});

describe('loadTrainingCsv line numbers and messages', () => {
  it('names the file line of a row after blank lines and multi-line quoted names', () => {
    const err = failure('blank-lines.csv', [
      HEADER,
      '',
      GOOD[0]!,
      '',
      '',
      '2,1,1,"Cumings, Mrs. John\nBradley",female,38,1,0,PC 17599,71.2833,C85,C',
      GOOD[2]!.replace(',Q', ',X'),
    ]);
    // Data row 3 sits on line 8: header, blank, row 1, two blanks, row 2 over lines 6-7.
    expect(err.details[0]).toMatch(/^row 3 \(line 8\), column Embarked: /);
  });

  it('says what a class or label should be without repeating the range', () => {
    const err = failure('class-range.csv', [
      HEADER,
      GOOD[0]!.replace(',3,"', ',4,"').replace('1,0,', '1,2,'),
    ]);
    expect(err.details).toContain('row 1 (line 2), column Survived: expected 0 or 1 (got "2")');
    expect(err.details).toContain('row 1 (line 2), column Pclass: expected 1, 2 or 3 (got "4")');
  });
});

describe('dataQualityReport', () => {
  it('counts rows, labels, missing shares and ranges', () => {
    const report = dataQualityReport(load('good2.csv', [HEADER, ...GOOD]));
    expect(report.rows).toBe(3);
    expect(report.positives).toBe(2);
    expect(report.missingShare.Age).toBeCloseTo(1 / 3, 5);
    expect(report.missingShare.Cabin).toBeCloseTo(2 / 3, 5);
    expect(report.ranges.Age).toEqual({ min: 22, max: 38, mean: 30 });
    expect(report.categories.Embarked).toEqual({ C: 1, Q: 1, S: 1 });
  });
});
