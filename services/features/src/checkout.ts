import { fileURLToPath } from 'node:url';

/**
 * The repository checkout this package lives in (services/features/src/ is three levels down).
 * A subpath export, not part of the index: a bundle moves this file, and the server finds its
 * files relative to its own bundle instead.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
