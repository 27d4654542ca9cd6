// Where trace records and console output are written: a stream of text or bytes (a file
// descriptor in the CLI, memory in tests).

/** An output stream that accepts text or bytes. */
export interface Writer {
  write(data: string | Uint8Array): void;
  /** Push out anything buffered. */
  flush(): void;
  /** Push out anything buffered and end the stream (a file is closed; standard output only
   *  flushed): once, when nothing more will be written. */
  close(): void;
  /** The write that failed, if one did (thrown once; later output is dropped). */
  readonly failure?: Error;
}
