/**
 * What a subcommand module is, apart from the program that runs it: the context an action reports to, the
 * function that adds a command to the program, and an entry of the command list (commands/index.ts).
 */
import type { Command } from 'commander';
import type { CliIO } from './io.js';

/** What an action tells the program when it is done. */
export interface CommandContext {
  io: CliIO;
  /** Set by actions whose work ran but rejected some input (exit 1). */
  setExitCode(code: number): void;
}

/** A subcommand module's register function: adds its command (name, flags, action) to the program. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

/**
 * One command of the list. `load` imports the command's module only when that command runs (or when the
 * whole list is needed, for `kvlab --help`), so `kvlab memory` never loads the quiz engine, the engine's
 * WebAssembly or the chart renderer.
 */
export interface CommandEntry {
  /** The name the user types, `kvlab <name>`; the module must register a command of exactly this name. */
  readonly name: string;
  load(): Promise<RegisterCommand>;
}
