/**
 * Subcommands beyond memory and models. Each entry registers one command; add new ones here.
 */
import type { RegisterCommand } from '../main.js';
import { registerSimulate } from './simulate.js';
import { registerAttend } from './attend.js';
import { registerLint } from './lint.js';
import { registerQuiz } from './quiz.js';
import { registerGrade } from './grade.js';
import { registerExport } from './export.js';
import { registerSite } from './site.js';

export const COMMANDS: RegisterCommand[] = [registerSimulate, registerAttend, registerLint, registerQuiz, registerGrade, registerExport, registerSite];
