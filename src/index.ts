/**
 * kvlab's public API: what the notebooks and other programs import. Kept small on purpose;
 * documented in the README.
 */
export * from './memory/index.js';
export * from './render/chart.js';
export * from './course/index.js';
export { loadBank, loadBanks, findBank, BankError, questionVariant, answerKey, gradeAnswer, gradeSubmission, renderQuestionMarkdown, selfCheck, type Bank, type Question, type QuestionVariant, type AnswerKey, type QuestionResult, type SubmissionResult } from './quiz/index.js';
export { createCache, createDecoder, simulate, attendReference, decodeStepFlops, type KvCache, type CacheShape, type CacheOptions, type AttentionKernel, type Decoder, type DecoderConfig, type SimulateOptions, type SimulatePoint, type SimulateResult } from './engine/index.js';
