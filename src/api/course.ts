/**
 * `kvlab/course`: what the notebooks use beside the memory, engine and quiz APIs: lessons, charts as PNG,
 * seeded quizzes as Markdown, tables and figure lines. Loads the chart renderer (chart.js on
 * @napi-rs/canvas). Every name is described in docs/api.md.
 */
export {
  lessonIds,
  lessonSections,
  lessonMarkdown,
  LessonError,
  type LessonSection,
  quizMarkdown,
  questionParams,
  gradeQuiz,
  type QuizScore,
  studentSeed,
  type StudentId,
  callStudent,
  checkFunction,
  describeThrow,
  type StudentCall,
  timeDecodeSteps,
  median,
  type TimedBlock,
  type TimedPolicy,
  type TimingOptions,
  markdownTable,
  figureLine,
} from '../course/index.js';
export {
  lineChartPng,
  barChartPng,
  byteUnit,
  CHART_COLORS,
  ChartSpecError,
  type LineChartSpec,
  type LineSeries,
  type LinePoint,
  MARKER_SHAPES,
  type MarkerShape,
  type BarChartSpec,
  type BarSeries,
  type AxisScale,
} from '../render/chart.js';
export { openAssignment, StudentAssignment, type OpenAssignmentOptions, type AssignmentDisplay } from '../assignment/student.js';
