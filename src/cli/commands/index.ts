/**
 * Subcommands beyond memory and models. Each entry registers one command; add new ones here.
 */
import type { RegisterCommand } from '../main.js';
import { registerSimulate } from './simulate.js';
import { registerAttend } from './attend.js';

export const COMMANDS: RegisterCommand[] = [registerSimulate, registerAttend];
