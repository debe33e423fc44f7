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
  type BarChartSpec,
  type BarSeries,
  type AxisScale,
} from '../render/chart.js';
