export * from './local.ts';
export * from './paths.ts';
export * from './sha256.ts';
export * from './verify.ts';
export * from './version.ts';
