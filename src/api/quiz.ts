/**
 * `kvlab/quiz`: question banks (docs/quiz-format.md): load, show a student's variant, grade. Every name is
 * described in docs/api.md.
 */
export {
  loadBank,
  loadBanks,
  findBank,
  BankError,
  questionVariant,
  answerKey,
  gradeAnswer,
  gradeSubmission,
  renderQuestionMarkdown,
  selfCheck,
  type Bank,
  type Question,
  type QuestionVariant,
  type AnswerKey,
  type QuestionResult,
  type SubmissionResult,
} from '../quiz/index.js';
