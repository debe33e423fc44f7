export * from './lessons.js';
export * from './figures.js';
export * from './quiz.js';
export * from './display.js';
