/**
 * The `kvlab` command line (every command, flag, output and exit code: docs/cli.md). The commands are
 * listed in commands/index.ts and each lives in its own module, loaded only when it runs; this file
 * only wires commander to our exit-code contract.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError } from './errors.js';
import { processIO, type CliIO } from './io.js';
import { MemoryInputError } from '../memory/index.js';
import type { CommandContext, RegisterCommand } from './command.js';
import { COMMANDS } from './commands/index.js';

export type { CliIO } from './io.js';

/**
 * The commands an argument list needs: only the one it names (`kvlab memory …`, `kvlab help memory`), else
 * all of them (`kvlab --help` lists them; an unknown name gets commander's "did you mean").
 */
export function commandsFor(argv: readonly string[]): string[] {
  const known = (name: string | undefined) => COMMANDS.some((c) => c.name === name);
  const [first, second] = argv;
  if (first !== undefined && known(first)) return [first];
  if (first === 'help' && second !== undefined && known(second)) return [second];
  return COMMANDS.map((c) => c.name);
}

/** Imports the modules of these commands (all of them by default), in the list's order. */
export async function loadCommands(names: readonly string[] = COMMANDS.map((c) => c.name)): Promise<RegisterCommand[]> {
  const unknown = names.filter((name) => !COMMANDS.some((c) => c.name === name));
  if (unknown.length > 0) throw new Error(`no command ${unknown.join(', ')} in commands/index.ts`);
  return Promise.all(COMMANDS.filter((c) => names.includes(c.name)).map((c) => c.load()));
}

/** The program with these commands registered, writing through ctx.io and never exiting the process. */
export function assembleProgram(ctx: CommandContext, registers: readonly RegisterCommand[]): Command {
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
  for (const register of registers) register(program, ctx);
  // Subcommands inherit the exit override and output settings.
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({
      writeOut: (text) => ctx.io.stdout(text),
      writeErr: (text) => ctx.io.stderr(text),
    });
  }
  return program;
}

/** The program for this argument list: with only the command it runs loaded, or every command. */
export async function buildProgram(ctx: CommandContext, argv: readonly string[] = []): Promise<Command> {
  return assembleProgram(ctx, await loadCommands(commandsFor(argv)));
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
  try {
    const program = await buildProgram(ctx, argv);
    if (argv.length === 0) {
      io.stdout(program.helpInformation());
      return EXIT.ok;
    }
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
