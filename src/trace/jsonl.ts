// JSON-lines trace sink: one JSON object per record, streamed (nothing is kept in memory).
// Field names and meanings: docs/trace-format.md.

import type { ExitProbe, ExitRecord } from '../vmm/exits.js';
import type { Writer } from '../cli/io.js';

export class JsonLinesSink implements ExitProbe {
  records = 0;
  constructor(private readonly out: Writer) {}

  record(r: ExitRecord): void {
    this.records++;
    this.out.write(JSON.stringify(r) + '\n');
  }
}
