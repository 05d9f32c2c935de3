/** Typed error for malformed list files: always names the file and, where known, the line. */
export class ListLoadError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly detail: string;

  constructor(file: string, line: number | undefined, detail: string) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${detail}`);
    this.name = 'ListLoadError';
    this.file = file;
    this.line = line;
    this.detail = detail;
  }
}

export function isListLoadError(e: unknown): e is ListLoadError {
  return e instanceof ListLoadError;
}
