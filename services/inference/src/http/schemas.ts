import { passengerSchema } from '@titanic/features';
import { z } from 'zod';
import { listBody } from './list-body.ts';

/** Largest batch one request may carry, on both APIs. */
export const MAX_PASSENGERS = 10_000;

// `.meta({ id })` names a component in the generated OpenAPI document.
export const passenger = passengerSchema.meta({
  id: 'Passenger',
  example: { pclass: 3, sex: 'male', age: 22, sibsp: 1, parch: 0, fare: 7.25, embarked: 'S' },
});

export const batchRequest = listBody('passengers', passenger, {
  max: MAX_PASSENGERS,
  one: 'passenger',
  many: 'passengers',
}).meta({ id: 'BatchRequest' });

const modelRef = z
  .object({ name: z.literal('titanic'), version: z.string().meta({ example: '2026.11.25-1' }) })
  .meta({ id: 'ModelRef' });

const probability = z.number().min(0).max(1).describe('Survival probability (4 decimals)');

export const singleResponse = z
  .object({
    survived: z.boolean().describe('probability at or above the model threshold'),
    probability,
    model: modelRef,
    requestId: z.string(),
  })
  .meta({ id: 'Prediction' });

export const batchResponse = z
  .object({
    predictions: z.array(z.object({ survived: z.boolean(), probability })).describe('In input order'),
    model: modelRef,
    requestId: z.string(),
  })
  .meta({ id: 'BatchPrediction' });

export const apiError = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'invalid_request' }),
      message: z.string(),
      issues: z
        .array(z.object({ path: z.string().meta({ example: 'passengers.3.pclass' }), message: z.string() }))
        .optional(),
    }),
  })
  .meta({ id: 'Error' });

const tensorMeta = z.object({
  name: z.string(),
  datatype: z.string().meta({ example: 'FP32' }),
  shape: z.array(z.number().int()),
});

export const v2Error = z.object({ error: z.string() }).meta({ id: 'V2Error' });

export const v2ServerMetadata = z
  .object({ name: z.string(), version: z.string(), extensions: z.array(z.string()) })
  .meta({ id: 'V2ServerMetadata' });

export const v2ModelMetadata = z
  .object({
    name: z.string(),
    versions: z.array(z.string()),
    platform: z.string(),
    inputs: z.array(tensorMeta),
    outputs: z.array(tensorMeta),
  })
  .meta({ id: 'V2ModelMetadata' });

export const v2InferRequest = z
  .object({
    id: z.string().max(256, 'id must be at most 256 characters').optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    inputs: z
      .array(
        z.object({
          name: z.string(),
          shape: z.array(z.number().int().nonnegative()),
          datatype: z.string(),
          parameters: z.record(z.string(), z.unknown()).optional(),
          data: z
            .array(z.unknown())
            .describe('Row-major FP32 values, flat or nested, in the model feature order'),
        }),
      )
      .min(1, 'inputs must hold one tensor'),
    outputs: z
      .array(z.object({ name: z.string(), parameters: z.record(z.string(), z.unknown()).optional() }))
      .optional(),
  })
  .meta({ id: 'V2InferRequest' });

export const v2InferResponse = z
  .object({
    model_name: z.string(),
    model_version: z.string(),
    id: z.string().optional(),
    outputs: z.array(tensorMeta.extend({ data: z.array(z.number()) })),
  })
  .meta({ id: 'V2InferResponse' });

export const health = {
  live: z.object({ live: z.boolean() }).meta({ id: 'V2Live' }),
  ready: z.object({ ready: z.boolean() }).meta({ id: 'V2Ready' }),
  modelReady: z.object({ name: z.string(), ready: z.boolean() }).meta({ id: 'V2ModelReady' }),
};
