/**
 * The quiz engine: load → validate (once) → generate a seeded variant → parse → grade, as separate
 * stages. The format, with its extensions: docs/quiz-format.md.
 */
export { loadBank, loadBanks, findBank, findBankOnce, checkBanks, checkBankFile, checkBankSource, bankFiles, defaultBankDir, BankError } from './load.js';
export { questionVariant, answerKey } from './variant.js';
export { gradeAnswer, withinTolerance } from './grade.js';
export { gradeSubmission, checkSubmission, gradeFiles, readSubmission, parseSubmissionText, SubmissionError } from './submission.js';
export type { Submission, Gradebook, GradedFile } from './submission.js';
export { renderQuestionMarkdown, selfCheck, STATUS_MARK } from './markdown.js';
export { normalizeText } from './text.js';
export { compileExpression, ExpressionError, EXPRESSION_FUNCTIONS } from './expression.js';
export type { Expression } from './expression.js';
export { fnv1a32 } from './random.js';
export * from './types.js';
