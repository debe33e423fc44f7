export * from './dtype.js';
export * from './policy.js';
export * from './bytes.js';
export * from './complexity.js';
export * from './presets.js';
export * from './format.js';
export * from './paged.js';
