// Where trace records and console output are written: a stream of text or bytes (a file
// descriptor in the CLI, memory in tests).

/** An output stream that accepts text or bytes. */
export interface Writer {
  write(data: string | Uint8Array): void;
  /** Push out anything buffered. */
  flush(): void;
  /** The write that failed, if one did (thrown once; later output is dropped). */
  readonly failure?: Error;
}
