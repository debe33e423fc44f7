/**
 * The quiz engine: load → validate (once) → generate a seeded variant → parse → grade, as separate
 * stages. Each question type is one module under question-types/, listed in question-types/registry.ts.
 */
export { loadBank, loadBanks, findBank, findBankOnce, checkBanks, checkBankFile, checkBankSource, bankFiles, defaultBankDir, BankError } from './load.js';
export { questionVariant, answerKey } from './variant.js';
export { gradeAnswer, withinTolerance } from './grade.js';
export { gradeSubmission, checkSubmission, gradeFiles, readSubmission, parseSubmissionText, SubmissionError } from './submission.js';
export type { Submission, Gradebook, GradedFile } from './submission.js';
export { renderQuestionMarkdown, selfCheck } from './markdown.js';
export { STATUS_MARK, verdictText, verdictMarkdown } from './verdict.js';
export { SOLUTION_AFTER_ATTEMPTS, resetAttempts } from './attempts.js';
export { QUESTION_TYPES, QUESTION_TYPE_MODULES, findTypeModule } from './question-types/registry.js';
export type { QuestionTypeModule } from './question-types/module.js';
export { normalizeText } from './text.js';
export { compileExpression, ExpressionError, EXPRESSION_FUNCTIONS } from './expression.js';
export type { Expression } from './expression.js';
export { fnv1a32 } from './random.js';
export * from './types.js';
