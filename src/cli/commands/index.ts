/**
 * Every `kvlab` command, in the order `kvlab --help` lists them. Add a command here and nowhere else. Each
 * module is imported only when its command runs (see CommandEntry), so a command's heavy dependencies (the
 * quiz engine and YAML, marked, the engine's WebAssembly, LMS exporters, the site builder) cost nothing to
 * the others.
 */
import type { CommandEntry } from '../command.js';

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'memory', load: async () => (await import('./memory.js')).registerMemory },
  { name: 'models', load: async () => (await import('./models.js')).registerModels },
  { name: 'simulate', load: async () => (await import('./simulate.js')).registerSimulate },
  { name: 'attend', load: async () => (await import('./attend.js')).registerAttend },
  { name: 'lint', load: async () => (await import('./lint.js')).registerLint },
  { name: 'quiz', load: async () => (await import('./quiz.js')).registerQuiz },
  { name: 'grade', load: async () => (await import('./grade.js')).registerGrade },
  { name: 'export', load: async () => (await import('./export.js')).registerExport },
  { name: 'site', load: async () => (await import('./site.js')).registerSite },
  { name: 'assignment', load: async () => (await import('./assignment.js')).registerAssignment },
];
