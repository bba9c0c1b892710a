import { z } from 'zod';
import { listBody } from './list-body.ts';
import { REQUEST_ID } from './observe.ts';

/** Most labels one feedback request may carry. */
export const MAX_LABELS = 1000;

export const feedbackItem = z
  .object({
    requestId: z
      .string({ error: 'requestId must be the requestId of a prediction answer' })
      .regex(REQUEST_ID, 'requestId must be 1 to 128 letters, digits or ._:@/+=-'),
    index: z
      .number({ error: 'index must be a whole number' })
      .int('index must be a whole number')
      .min(0, 'index must be 0 or more')
      .optional()
      .describe('Position of the passenger in the request (0-based); may be left out for one passenger'),
    survived: z.boolean({ error: 'survived must be true or false' }).describe('What became of the passenger'),
  })
  .strict()
  .meta({ id: 'Feedback', example: { requestId: '3f2a9c1e-8d4b-4e7a-9f10-2b6c5d7e8a90', survived: true } });

export const feedbackBatch = listBody('feedback', feedbackItem, {
  max: MAX_LABELS,
  one: 'label',
  many: 'labels',
}).meta({
  id: 'FeedbackBatch',
  example: {
    feedback: [
      { requestId: 'batch-7', index: 0, survived: false },
      { requestId: 'batch-7', index: 1, survived: true },
    ],
  },
});

export const feedbackResponse = z
  .object({
    recorded: z.number().int().describe('Labels new to the service'),
    unchanged: z.number().int().describe('Labels it already had with the same outcome (a retry)'),
  })
  .meta({ id: 'FeedbackResult', example: { recorded: 2, unchanged: 0 } });

const scores = z
  .object({
    labelled: z.number().int().describe('Labelled predictions in the live window'),
    accuracy: z.number(),
    brier: z.number(),
    logLoss: z.number(),
  })
  .nullable()
  .describe('null until the first label');
const cardScores = z
  .object({ accuracy: z.number(), brier: z.number() })
  .describe('Cross-validated, from the model card');

export const liveResponse = z
  .object({
    model: z.object({ version: z.string(), live: scores, card: cardScores }),
    shadow: z
      .object({
        version: z.string(),
        live: scores,
        card: cardScores,
        comparison: z
          .object({
            pairs: z.number().int(),
            agreement: z.number().describe('Share of passengers both models label alike'),
            meanAbsDiff: z.number(),
            meanPrimary: z.number(),
            meanShadow: z.number(),
            psi: z.number(),
          })
          .nullable(),
      })
      .nullable()
      .describe('null when no shadow model is loaded'),
  })
  .meta({ id: 'LiveQuality' });
