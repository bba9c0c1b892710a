import { MODEL_VERSION_PATTERN, SHA256_PATTERN } from '@titanic/features';
import { z } from 'zod';

/** Value schemas the environment file's sections share, each with the message a bad value gets. */
export const ratio = z
  .number()
  .min(0, 'expected a ratio between 0 and 1')
  .max(1, 'expected a ratio between 0 and 1');
export const positiveInt = z.number().int('expected an integer').positive('expected a positive integer');
export const hex64 = z.string().regex(SHA256_PATTERN, 'expected 64 hex characters');
export const digest = z
  .string()
  .regex(
    new RegExp(`^sha256:${SHA256_PATTERN.source.slice(1)}`),
    'expected an OCI digest "sha256:" + 64 hex characters',
  );
export const modelVersion = z
  .string()
  .regex(MODEL_VERSION_PATTERN, 'expected a model version like 2026.11.25-1');
/** Prometheus / Argo CD style durations: 30s, 5m, 1h, 1h30m, 7d. */
export const duration = z
  .string()
  .regex(/^(\d+[smhdw])+$/, 'expected a duration like "30s", "5m", "1h" or "1h30m"');
