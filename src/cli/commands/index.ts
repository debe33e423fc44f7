/**
 * Subcommands beyond memory and models. Each entry registers one command; add new ones here.
 */
import type { RegisterCommand } from '../main.js';

export const COMMANDS: RegisterCommand[] = [];
