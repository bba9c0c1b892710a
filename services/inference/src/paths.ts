import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * services/inference, from this file one level down. A production bundle sits one level down
 * too (build/main.js), so the same relative paths hold in the image.
 */
export const SERVICE_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const PUBLIC_DIR = join(SERVICE_ROOT, 'public');
export const MIGRATIONS_DIR = join(SERVICE_ROOT, 'src', 'db', 'migrations');
export const DEFAULT_MODEL_REGISTRY = join(SERVICE_ROOT, '..', '..', 'models', 'titanic');
