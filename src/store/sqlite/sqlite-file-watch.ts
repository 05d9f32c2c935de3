import { closeSync, existsSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { StoreMissingError, StoreUnavailableError } from '../store-errors.ts';
import type { StoreFaultReason, StoreHealth } from '../unit-of-work.ts';

/**
 * W1 and W16: an SQLite store notices when its file is removed, replaced or damaged while open, is
 * never silently re-created empty over a lost one, and is private to the service's user.
 */

interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

const identityOf = (path: string): FileIdentity | null => {
  const s = statSync(path, { throwIfNoEntry: false });
  return s ? { dev: s.dev, ino: s.ino } : null;
};

const sameFile = (a: FileIdentity, b: FileIdentity) => a.dev === b.dev && a.ino === b.ino;

/** The marker next to a store: its presence says a store existed at that path. */
export const storeMarkerPath = (file: string): string => join(dirname(resolve(file)), `.${basename(file)}.remit-store`);

/**
 * Before node:sqlite opens the path: the folder is created 0700 and the file 0600 (SQLite gives
 * its -wal and -shm files the database file's mode), so contacts are not readable by other local
 * users whatever the umask. A missing file whose marker exists is a lost store: refused unless
 * `init` says a new empty store is wanted.
 */
export function prepareSqliteFile(path: string, opts: { readonly init: boolean }): void {
  const file = resolve(path);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  if (existsSync(file)) return;
  const marker = storeMarkerPath(file);
  if (existsSync(marker) && !opts.init) throw new StoreMissingError(file, marker);
  closeSync(openSync(file, 'a', 0o600));
}

/** After the store opened and migrated: leave the marker that a later start checks (once; 0600). */
export function markStoreCreated(path: string, at: string): void {
  const file = resolve(path);
  const marker = storeMarkerPath(file);
  if (existsSync(marker)) return;
  const why = 'Remit refuses to create an empty store here while this file exists and the store is missing (docs/storage.md)';
  const note = { store: file, markedAt: at, why };
  try {
    writeFileSync(marker, `${JSON.stringify(note, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process opening the same store wrote it first.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
}

/** SQLite result codes that mean the file is damaged or is not the database it was. */
const SQLITE_CORRUPT = 11;
const SQLITE_NOTADB = 26;
const SQLITE_READONLY_DBMOVED = 8 | (4 << 8);

/** The fault an SQLite driver error reveals, if it reveals one (a busy lock or a constraint does not). */
export function faultOf(error: unknown): { reason: StoreFaultReason; detail: string } | null {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  if (typeof code !== 'number') return null;
  const detail = (error as Error).message;
  if (code === SQLITE_READONLY_DBMOVED) return { reason: 'STORE_FILE_MISSING', detail };
  if ((code & 0xff) === SQLITE_CORRUPT || (code & 0xff) === SQLITE_NOTADB) return { reason: 'STORE_CORRUPT', detail };
  return null;
}

/**
 * Watches one open SQLite file. node:sqlite gives no file descriptor to fstat, so the device and
 * inode of the path (and of its -wal once it exists) are taken at open and compared on every check:
 * each write transaction checks before BEGIN and before COMMIT (two stat calls each, ~10 µs),
 * `/ready` checks on every probe, and the periodic `PRAGMA quick_check` reports here. A fault is kept until restart: a replaced or damaged
 * file does not heal by itself.
 */
export class SqliteFileWatch {
  readonly file: string;
  readonly #fileId: FileIdentity;
  #walId: FileIdentity | null = null;
  #fault: Extract<StoreHealth, { kind: 'faulted' }> | null = null;
  #integrityCheckedAt: string | null = null;

  constructor(path: string) {
    this.file = resolve(path);
    const fileId = identityOf(this.file);
    if (!fileId) throw new StoreUnavailableError('STORE_FILE_MISSING', `${this.file} disappeared while it was being opened`);
    this.#fileId = fileId;
  }

  markFaulted(reason: StoreFaultReason, detail: string): void {
    this.#fault ??= { kind: 'faulted', reason, detail, since: new Date().toISOString() };
  }

  /** The periodic integrity check passed at `at`. */
  markIntegrityChecked(at: string): void {
    this.#integrityCheckedAt = at;
  }

  check(): StoreHealth {
    if (!this.#fault) this.#compareIdentities();
    return this.#fault ?? { kind: 'healthy', integrityCheckedAt: this.#integrityCheckedAt };
  }

  /** Throws STORE_UNAVAILABLE when the store may not be written to. */
  assertWritable(): void {
    const health = this.check();
    if (health.kind === 'faulted') throw new StoreUnavailableError(health.reason, `the store refuses writes: ${health.detail}`);
  }

  /** A driver error that reveals a fault marks the store faulted and becomes STORE_UNAVAILABLE. */
  translate(error: unknown): unknown {
    const fault = faultOf(error);
    if (!fault) return error;
    this.markFaulted(fault.reason, `${this.file}: ${fault.detail}`);
    return new StoreUnavailableError(fault.reason, `the store is unusable: ${fault.detail}`, { cause: error });
  }

  #compareIdentities(): void {
    // The path resolves through its folder: a removed or replaced folder shows as a missing or different file.
    const fileNow = identityOf(this.file);
    const whileOpen = 'while the store was open';
    if (!fileNow) return this.markFaulted('STORE_FILE_MISSING', `${this.file} (or its folder) was removed ${whileOpen}`);
    if (!sameFile(fileNow, this.#fileId))
      return this.markFaulted('STORE_FILE_REPLACED', `${this.file} (or its folder) was replaced by another ${whileOpen}`);
    // The -wal exists from the first read on and is never removed while a connection is open.
    const walNow = identityOf(`${this.file}-wal`);
    if (this.#walId === null) this.#walId = walNow;
    else if (!walNow) this.markFaulted('STORE_FILE_MISSING', `${this.file}-wal was removed ${whileOpen}`);
    else if (!sameFile(walNow, this.#walId)) this.markFaulted('STORE_FILE_REPLACED', `${this.file}-wal was replaced ${whileOpen}`);
  }
}
