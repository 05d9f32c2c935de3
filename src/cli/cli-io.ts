import { readFile } from 'node:fs/promises';
import { formatProblem, type ConfigProblem } from '../config/load-config.ts';
import { ERROR_CATALOGUE, remitError, type ErrorCode, type ErrorDetail } from '../domain/errors/error-catalogue.ts';

/** A failure the CLI reports with a catalogue code and exits on. */
export class CliFailure extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];
  constructor(code: ErrorCode, details: readonly ErrorDetail[], message?: string) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.code = code;
    this.details = details;
  }
}

export const configFailure = (problems: readonly ConfigProblem[]) =>
  new CliFailure('CONFIG_INVALID', problems.map((p) => ({ file: p.file, path: p.path, message: p.message })), `${problems.length} problem(s) in the configuration:\n${problems.map(formatProblem).join('\n')}`);

export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliFailure('INPUT_UNREADABLE', [{ file: path, path: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliFailure('INPUT_UNREADABLE', [{ file: path, path: '', message: `invalid JSON: ${(e as Error).message}` }]);
  }
}

/** Errors go to stderr as the catalogue's JSON shape, preceded by a readable line. */
export function reportFailure(e: CliFailure): number {
  process.stderr.write(`error ${e.code}: ${e.message}\n`);
  process.stderr.write(`${JSON.stringify(remitError(e.code, e.details, e.message.split('\n')[0]))}\n`);
  return ERROR_CATALOGUE[e.code].exitCode;
}
