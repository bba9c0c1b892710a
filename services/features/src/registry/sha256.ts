import { createHash } from 'node:crypto';

/** A sha256 as the registry, the environments and the server write it: 64 lowercase hex characters. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
