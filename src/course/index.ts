export * from './lessons.js';
export * from './figures.js';
