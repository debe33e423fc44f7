/** What the notebooks use beside the engine, memory and quiz APIs: lessons, quizzes, tables, figure lines. */
export { lessonIds, lessonSections, lessonMarkdown, LessonError, type LessonSection } from './lessons.js';
export { quizMarkdown, questionParams, gradeQuiz, type QuizScore } from './quiz.js';
export { studentSeed, type StudentId } from './seed.js';
export { callStudent, checkFunction, describeThrow, type StudentCall } from './student.js';
export { markdownTable } from './display.js';
export { figureLine } from './figures.js';
export { timeDecodeSteps, median, type TimedBlock, type TimedPolicy, type TimingOptions } from './timing.js';
