import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { formatProblem, type ConfigProblem } from '../config/load-config.ts';
import {
  ERROR_CATALOGUE,
  errorBody,
  remitError,
  type ErrorCode,
  type ErrorDetail,
  type RemitError,
} from '../domain/errors/error-catalogue.ts';
import { StoreMissingError, StoreUnavailableError } from '../store/store-errors.ts';

/**
 * The one failure shape (RemitError) thrown out of a command: `runCli` catches it and `reportFailure`
 * writes it and returns the catalogue's exit code. Same argument order as `remitError`: code, message, details.
 */
export class CliFailure extends Error implements RemitError {
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];
  readonly extra?: Readonly<Record<string, unknown>>;
  constructor(code: ErrorCode, message?: string, details?: readonly ErrorDetail[], extra?: Readonly<Record<string, unknown>>) {
    const e = remitError(code, message, details, extra);
    super(e.message);
    this.code = e.code;
    this.details = e.details;
    if (e.extra !== undefined) this.extra = e.extra;
  }

  /** A use case's failure, reported as it is. */
  static from(e: RemitError): CliFailure {
    return new CliFailure(e.code, e.message, e.details, e.extra);
  }
}

export const configFailure = (problems: readonly ConfigProblem[]) =>
  new CliFailure(
    'CONFIG_INVALID',
    `${problems.length} problem(s) in the configuration:\n${problems.map(formatProblem).join('\n')}`,
    problems.map((p) => ({ file: p.file, path: p.path, message: p.message })),
  );

/** A file that cannot be read (missing, a directory, no permission) is invalid input, not a crash. */
export const unreadable = (file: string, e: unknown) =>
  new CliFailure('INPUT_UNREADABLE', undefined, [
    { file, path: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` },
  ]);

async function readParsed(path: string, format: string, parse: (text: string) => unknown): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw unreadable(path, e);
  }
  try {
    return parse(text);
  } catch (e) {
    throw new CliFailure('INPUT_UNREADABLE', undefined, [
      { file: path, path: '', message: `invalid ${format}: ${(e as Error).message.split('\n')[0]}` },
    ]);
  }
}

export const readJsonFile = (path: string): Promise<unknown> => readParsed(path, 'JSON', (text) => JSON.parse(text));

export const readYamlFile = (path: string): Promise<unknown> => readParsed(path, 'YAML', (text) => parseYaml(text) ?? {});

/** A storage fault is a documented failure (exit 8, docs/errors.md), never a stack trace. */
export function storeFailure(e: unknown): CliFailure | null {
  if (e instanceof StoreMissingError) {
    return new CliFailure('STORE_MISSING', e.message, [{ file: e.path, path: 'store', message: `${e.evidence} exists` }]);
  }
  if (e instanceof StoreUnavailableError) return new CliFailure('STORE_UNAVAILABLE', e.message, [{ path: 'store', message: e.reason }]);
  return null;
}

/** The one CLI failure reporter: errors go to stderr as the catalogue's JSON shape, preceded by a readable line. */
export function reportFailure(e: CliFailure): number {
  process.stderr.write(`error ${e.code}: ${e.message}\n`);
  process.stderr.write(`${JSON.stringify(errorBody(remitError(e.code, e.message.split('\n')[0], e.details, e.extra)))}\n`);
  return ERROR_CATALOGUE[e.code].exitCode;
}
