// The note that ends a console's kept text when the console printed past its bound: one
// wording for a guest's console and for the host OS's and guest 0's.

const NOTE = '[vmm: console output beyond ';

/** `text` (a console's first `limit` bytes) and, on a line of its own, the note that the rest
 *  was not kept; `total`, when known, is how many bytes it printed in all. */
export function withCutNote(text: string, limit: number, total?: number): string {
  return `${text}${text.endsWith('\n') ? '' : '\n'}${NOTE}${limit} bytes not kept${total === undefined ? '' : ` (${total.toLocaleString('en-US')} in all)`}]`;
}

/** Whether a line of kept text is that note. */
export function isCutNote(line: string): boolean {
  return line.startsWith(NOTE);
}
