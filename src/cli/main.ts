// The vmm program: builds the commander program from the command table and runs it.
// main() is the whole CLI, testable in-process: it never exits the process and never lets a
// stack trace reach the user; it resolves to the exit status (docs/cli.md).

import { Command, CommanderError } from 'commander';
import { didYouMean } from '../text/nearest.js';
import { printable } from '../text/printable.js';
import { VERSION } from '../version.js';
import type { CommandSpec } from './command.js';
import { UsageProblem } from './command.js';
import { asmCommand } from './commands/asm.js';
import { compareCommand } from './commands/compare.js';
import { disasmCommand } from './commands/disasm.js';
import { explainCommand } from './commands/explain.js';
import { inspectCommand } from './commands/inspect.js';
import { isaCommand } from './commands/isa.js';
import { runCommand } from './commands/run.js';
import { traceCommand } from './commands/trace.js';
import { EXIT, ReaderGone, red, UserError } from './errors.js';
import { forgetFilesRead } from './files.js';
import { processIo, type Io } from './io.js';

export const COMMANDS: readonly CommandSpec[] = [asmCommand, disasmCommand, inspectCommand, runCommand, traceCommand, compareCommand, explainCommand, isaCommand];

/** Exit status for a bug in vmm itself (anything but 0, 1 and 2 is a bug). */
export const EXIT_INTERNAL = 70;

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const program = new Command('vmm')
    .description('A virtual machine monitor for teaching system virtualization, with its own TOY32 toolchain.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    // A command lists its usage ([options] <args>), whether or not its options are declared
    // yet (see CommandSpec.prepare).
    .configureHelp({ subcommandTerm: (cmd) => `${cmd.name()} ${cmd.usage()}`.trim() })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out.write(s),
      writeErr: (s) => io.err.write(s),
      // (commander's own messages quote the argument as given: its controls as \xNN too)
      outputError: (s, write) => write(red(shown(s), io.errColor)),
    })
    .addHelpText('after', '\nRun `vmm <command> --help` for a command\'s options and examples. Exit status: 0 success, 1 a guest failed, 2 usage or input error.');
  program.helpCommand('help [command]', 'show help for a command (vmm help run), or this list');
  program.hook('preSubcommand', async (_program, sub) => {
    await COMMANDS.find((spec) => spec.name === sub.name())?.prepare?.(sub);
  });
  let status: number = EXIT.OK;
  let caught: unknown;
  for (const spec of COMMANDS) {
    const cmd = program.command(spec.name).description(spec.summary).helpOption('-h, --help', 'show help');
    spec.define(cmd);
    cmd.action(async (...actionArgs: unknown[]) => {
      const command = actionArgs[actionArgs.length - 1] as Command;
      const options = command.opts();
      const given = new Set(Object.keys(options).filter((key) => command.getOptionValueSource(key) === 'cli'));
      status = await spec.run(command.args, options, io, given, argv);
    });
  }
  forgetFilesRead(); // (what an earlier command of the process read is not this one's input)
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      status = EXIT.USAGE;
    } else {
      await program.parseAsync(argv[0] === 'help' ? helpArguments(argv.slice(1)) : [...argv], { from: 'user' });
    }
  } catch (e) {
    caught = e;
    status = reportError(e, io);
    // A lab script that asked for JSON can always parse stdout: the error as a document too.
    if (status === EXIT.USAGE && argv.includes('--json') && e !== io.out.failure) {
      const diagnostics = e instanceof UserError && 'diagnostics' in e ? { diagnostics: e.diagnostics } : {}; // AssemblyFailed
      io.out.write(JSON.stringify({ error: { status, message: messageOf(e), ...diagnostics } }, null, 2) + '\n');
    }
  }
  try {
    io.out.flush();
  } catch {
    // in io.out.failure
  }
  // Output that could not be written (stdout closed, disk full) is an error even when the
  // failure was swallowed on the way (e.g. while printing the run's summary).
  const failure = io.out.failure;
  if (failure && failure !== caught) status = reportError(failure, io);
  return status;
}

/** What `vmm help [WHAT]` runs: `vmm COMMAND --help` (so that a command's lazily declared
 *  options show), or `vmm --help` for no command or a flag (`vmm help -h`). */
function helpArguments(what: readonly string[]): string[] {
  if (what.length > 1) throw new UsageProblem(`vmm help takes one command, got ${what.join(' ')}`);
  const name = what[0];
  if (name === undefined || name.startsWith('-')) return ['--help'];
  const names = COMMANDS.map((spec) => spec.name);
  if (!names.includes(name)) throw new UsageProblem(`vmm help ${name}: there is no command '${name}'${didYouMean(name, names)}; the commands are ${names.join(', ')}`);
  return [name, '--help'];
}

/** An error's message without the "error: " commander puts before its own. */
function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/^error: /, '');
}

/** A message's lines, each printable (text/visible.ts). */
function shown(message: string): string {
  return message.split('\n').map(printable).join('\n');
}

function reportError(e: unknown, io: Io): number {
  const c = io.errColor;
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
    return EXIT.USAGE; // commander already printed the message
  }
  if (e instanceof ReaderGone) return EXIT.READER_GONE; // (silently: nobody reads any more)
  // (a message may quote a file name or a file's bytes: their control characters are shown
  // as \xNN, so no argument or file can steer the terminal through an error)
  if (e instanceof UsageProblem) {
    io.err.write(red(`error: ${shown(e.message)}`, c) + '\n');
    return EXIT.USAGE;
  }
  if (e instanceof UserError) {
    io.err.write(red(`vmm: ${shown(e.message)}`, c) + '\n');
    return EXIT.USAGE;
  }
  const detail = process.env.VMM_DEBUG ? `\n${(e as Error).stack}` : ' (set VMM_DEBUG=1 for details)';
  io.err.write(red(`vmm: internal error: ${(e as Error)?.message ?? String(e)}${detail}`, c) + '\n');
  return EXIT_INTERNAL;
}
