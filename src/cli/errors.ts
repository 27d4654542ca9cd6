// What vmm's exit status says (docs/cli.md), the errors that choose it, and how an error
// message is coloured.

/** Exit statuses of vmm (docs/cli.md). */
export const EXIT = { OK: 0, GUEST_FAILED: 1, USAGE: 2, READER_GONE: 141 } as const;

/** A problem with what the user gave us (flags, files, sources, images): exit status 2. */
export class UserError extends Error {}

/** An output that cannot be written (disk full, stdout closed, ...): exit status 2. */
export class OutputError extends UserError {}

/** The reader of an output went away (`vmm trace ... | head`): vmm stops at once, silently,
 *  with status 141 (128 + SIGPIPE), as a program killed by SIGPIPE does. Thrown from the
 *  write, it ends the run where it is: nothing more would be read. */
export class ReaderGone extends OutputError {}

/** Red text for error messages, without loading chalk. */
export function red(text: string, color: boolean): string {
  return color ? `\x1b[31m${text}\x1b[39m` : text;
}
