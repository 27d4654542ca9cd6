// What vmm's exit status says (docs/cli.md), the errors that choose it, and how an error
// message is coloured.

/** Exit statuses of vmm (docs/cli.md). */
export const EXIT = { OK: 0, GUEST_FAILED: 1, USAGE: 2 } as const;

/** A problem with what the user gave us (flags, files, sources, images): exit status 2. */
export class UserError extends Error {}

/** An output that cannot be written (disk full, stdout closed, ...): exit status 2. */
export class OutputError extends UserError {}

/** Red text for error messages, without loading chalk. */
export function red(text: string, color: boolean): string {
  return color ? `\x1b[31m${text}\x1b[39m` : text;
}
