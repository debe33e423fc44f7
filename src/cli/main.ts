/**
 * The `kvlab` command line (spec: ../shared/spec/cli.md). Each subcommand lives in commands/ and
 * registers itself on the program; this file only wires commander to our exit-code contract.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError } from './errors.js';
import { processIO, type CliIO } from './io.js';
import { MemoryInputError } from '../memory/index.js';
import { registerMemory } from './commands/memory.js';
import { registerModels } from './commands/models.js';
import { COMMANDS } from './commands/index.js';

export type { CliIO } from './io.js';

/** What an action tells the program when it is done. */
export interface CommandContext {
  io: CliIO;
  /** Set by actions whose work ran but rejected some input (exit 1). */
  setExitCode(code: number): void;
}

/** A subcommand module: adds itself to the program. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('kvlab')
    .description('KV-cache memory, windowed attention and the course quizzes')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => ctx.io.stdout(text),
      writeErr: (text) => ctx.io.stderr(text),
      // Commander's own messages stay one line; the help hint above follows them.
      outputError: (text, write) => write(text),
    });
  for (const register of [registerMemory, registerModels, ...COMMANDS]) register(program, ctx);
  // Subcommands inherit the exit override and output settings.
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({
      writeOut: (text) => ctx.io.stdout(text),
      writeErr: (text) => ctx.io.stderr(text),
    });
  }
  return program;
}

/** Runs kvlab with these arguments (without "node kvlab") and resolves to the exit status. */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const ctx: CommandContext = {
    io,
    setExitCode: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  const program = buildProgram(ctx);
  if (argv.length === 0) {
    io.stdout(program.helpInformation());
    return EXIT.ok;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: CliIO): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander but success to the user.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.ok;
    }
    return EXIT.usage; // commander already printed its one line
  }
  if (error instanceof UsageError || error instanceof MemoryInputError) {
    io.stderr(`kvlab: ${error.message}\n`);
    return EXIT.usage;
  }
  // Anything else is our bug, not the user's: still one line, with where to report it.
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`kvlab: internal error: ${message} (please report it with the command you ran)\n`);
  return EXIT.usage;
}
