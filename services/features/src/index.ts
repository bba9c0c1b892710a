export * from './drift.ts';
export * from './encoder.ts';
export * from './groups.ts';
export * from './model-metadata.ts';
export * from './passenger.ts';
export * from './registry/index.ts';
export * from './title.ts';
