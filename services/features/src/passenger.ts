import { z } from 'zod';

/**
 * The raw passenger as clients send it and as the trainer reads it from the Kaggle file.
 * These field names are the public API: renaming one breaks every client.
 * `age`, `fare` and `embarked` may be null or absent (unknown); the encoder imputes them
 * with parameters learned on the training data.
 */
export const passengerSchema = z
  .object({
    pclass: z
      .number({ error: 'pclass must be 1, 2 or 3' })
      .int('pclass must be 1, 2 or 3')
      .min(1, 'pclass must be 1, 2 or 3')
      .max(3, 'pclass must be 1, 2 or 3')
      .describe('Ticket class: 1 = first, 2 = second, 3 = third'),
    sex: z.enum(['male', 'female'], { error: 'sex must be "male" or "female"' }),
    age: z
      .number({ error: 'age must be a number of years (or null when unknown)' })
      .min(0, 'age must be at least 0')
      .max(120, 'age must be at most 120')
      .nullish()
      .describe('Age in years; fractional below 1. Null or absent when unknown.'),
    sibsp: z
      .number({ error: 'sibsp must be a whole number' })
      .int('sibsp must be a whole number')
      .min(0, 'sibsp must be at least 0')
      .max(20, 'sibsp must be at most 20')
      .describe('Siblings and spouses aboard'),
    parch: z
      .number({ error: 'parch must be a whole number' })
      .int('parch must be a whole number')
      .min(0, 'parch must be at least 0')
      .max(20, 'parch must be at most 20')
      .describe('Parents and children aboard'),
    fare: z
      .number({ error: 'fare must be a number (or null when unknown)' })
      .min(0, 'fare must be at least 0')
      .max(10_000, 'fare must be at most 10000')
      .nullish()
      .describe('Ticket fare in 1912 pounds. Null or absent when unknown.'),
    embarked: z
      .enum(['S', 'C', 'Q'], {
        error: 'embarked must be "S" (Southampton), "C" (Cherbourg) or "Q" (Queenstown)',
      })
      .nullish()
      .describe('Port of embarkation. Null or absent when unknown.'),
    name: z.string().max(200, 'name must be at most 200 characters').nullish(),
    cabin: z.string().max(100, 'cabin must be at most 100 characters').nullish(),
    ticket: z.string().max(100, 'ticket must be at most 100 characters').nullish(),
  })
  .strict();

export type Passenger = z.infer<typeof passengerSchema>;

/** Field names in the order forms and CSV exports show them. */
export const PASSENGER_FIELDS = [
  'pclass',
  'sex',
  'age',
  'sibsp',
  'parch',
  'fare',
  'embarked',
  'name',
  'cabin',
  'ticket',
] as const;
