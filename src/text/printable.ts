// Text quoted in a message (a file's name or bytes) with no character that can steer a
// terminal: small, apart from visible.ts, so that vmm's error path loads nothing more.

/** C0 controls but tab, DEL and C1 controls (a newline too: a quoted name or message is
 *  one line). */
export const CONTROL = /[\0-\x08\x0a-\x1f\x7f-\x9f]/g;

/** `\xNN` for a character code below 0x100. */
export const hexEscape = (code: number) => `\\x${code.toString(16).padStart(2, '0')}`;

/** Text quoted from a source file or a file name (a diagnostic, the name of an included
 *  file): CONTROL characters as `\xNN`, so a source file cannot steer the screen through
 *  an error message. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => hexEscape(c.charCodeAt(0)));
}
