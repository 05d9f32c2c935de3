import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { formatProblem, type ConfigProblem } from '../config/load-config.ts';
import { ERROR_CATALOGUE, remitError, type ErrorCode, type ErrorDetail } from '../domain/errors/error-catalogue.ts';
import { StoreMissingError, StoreUnavailableError } from '../store/store-errors.ts';

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

/** A file that cannot be read (missing, a directory, no permission) is invalid input, not a crash. */
export const unreadable = (file: string, e: unknown) =>
  new CliFailure('INPUT_UNREADABLE', [{ file, path: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);

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
    throw new CliFailure('INPUT_UNREADABLE', [{ file: path, path: '', message: `invalid ${format}: ${(e as Error).message.split('\n')[0]}` }]);
  }
}

export const readJsonFile = (path: string): Promise<unknown> => readParsed(path, 'JSON', (text) => JSON.parse(text));

export const readYamlFile = (path: string): Promise<unknown> => readParsed(path, 'YAML', (text) => parseYaml(text) ?? {});

/** A storage fault is a documented failure (exit 8, docs/errors.md), never a stack trace. */
export function storeFailure(e: unknown): CliFailure | null {
  if (e instanceof StoreMissingError) {
    return new CliFailure('STORE_MISSING', [{ file: e.path, path: 'store', message: `${e.evidence} exists` }], e.message);
  }
  if (e instanceof StoreUnavailableError) return new CliFailure('STORE_UNAVAILABLE', [{ path: 'store', message: e.reason }], e.message);
  return null;
}

/** Errors go to stderr as the catalogue's JSON shape, preceded by a readable line. */
export function reportFailure(e: CliFailure): number {
  process.stderr.write(`error ${e.code}: ${e.message}\n`);
  process.stderr.write(`${JSON.stringify(remitError(e.code, e.details, e.message.split('\n')[0]))}\n`);
  return ERROR_CATALOGUE[e.code].exitCode;
}
