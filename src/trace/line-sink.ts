// What the text trace formats share: a header line (written when the first record comes, or
// at the end if none came, so a run that cannot start prints only its error), then one line
// per record, streamed to the writer.

import type { ChalkInstance } from 'chalk';
import type { ExitProbe, ExitRecord } from '../vmm/exits.js';
import type { Writer } from './writer.js';

export abstract class LineSink implements ExitProbe {
  records = 0;
  private headed = false;

  constructor(
    private readonly out: Writer,
    protected readonly c: ChalkInstance,
    private readonly header: string,
  ) {}

  /** Lines go to the writer as they are made: only the header, if no record came. */
  flush(): void {
    this.head();
  }

  record(r: ExitRecord): void {
    this.head();
    this.records++;
    this.out.write(this.line(r) + '\n');
  }

  /** The record as one line (without its newline). */
  protected abstract line(r: ExitRecord): string;

  private head(): void {
    if (this.headed) return;
    this.headed = true;
    this.out.write(this.c.bold(this.header) + '\n');
  }
}
