import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import { deferrable } from './deferred-writes.ts';
import type { Database } from './schema.ts';

/**
 * Kysely builds and compiles a query on every call: immutable operation nodes, identifier checks and SQL text, ~25 µs
 * per statement on the lead path (issue 18, docs/performance.md). The hot inserts of a lead have a handful of shapes
 * (table, columns, row count), so each shape is built and compiled once per store, with a placeholder standing for each
 * value, and later calls bind their values into the same SQL text. The query is still written with the Kysely builder
 * (`build`), so the repositories read as before; only the compilation is remembered.
 */

/** Stands for one value of one row while a shape is compiled. */
class Placeholder {
  readonly row: number;
  readonly column: string;
  constructor(row: number, column: string) {
    this.row = row;
    this.column = column;
  }
}

const MAX_SHAPES = 512;

interface Shape {
  readonly sql: string;
  /** In order: which value of which row each parameter is. */
  readonly parameters: readonly Placeholder[];
}

/** One per store (one dialect): compiled shapes by statement name, row count and the columns given. */
export class StatementShapes {
  readonly #shapes = new Map<string, Shape | null>();

  /**
   * Runs `build(rows)` — an INSERT of these rows (every row with the same columns) — compiling it only the first time
   * its shape is seen. `build` must take every value from the rows it is given (never from its closure): the compiled
   * shape keeps the SQL text only. A shape whose parameters are not exactly one per given value (a value from
   * elsewhere, a constant, a value Kysely rewrote) is never cached: it is compiled on every call, as before.
   * `deferTable`: the statement is a deferrable write of that table (deferred-writes.ts); its result is then empty.
   */
  async run<Row extends Readonly<Record<string, unknown>>, O>(
    db: Kysely<Database>,
    name: string,
    rows: readonly Row[],
    build: (rows: readonly Row[]) => Compilable<O>,
    deferTable?: string,
  ): Promise<QueryResult<O>> {
    const query = this.compileRows(name, rows, build);
    return db.executeQuery<O>(deferTable === undefined ? query : deferrable(query, deferTable));
  }

  /** The statement `run` runs, compiled (once per shape) but not run: for a caller that marks it otherwise. */
  compileRows<Row extends Readonly<Record<string, unknown>>, O>(
    name: string,
    rows: readonly Row[],
    build: (rows: readonly Row[]) => Compilable<O>,
  ): CompiledQuery<O> {
    const first = rows[0];
    if (first === undefined) return build(rows).compile();
    const columns = definedColumns(first);
    for (let i = 1; i < rows.length; i++) if (!hasExactly(rows[i]!, columns)) return build(rows).compile();
    const key = `${name}|${rows.length}|${columns.join()}`;
    let shape = this.#shapes.get(key);
    if (shape === undefined) {
      shape = compileShape(rows.length, columns, build);
      // Row counts vary (name keys per lead): bounded, past the bound new shapes are compiled every time.
      if (this.#shapes.size < MAX_SHAPES) this.#shapes.set(key, shape);
    }
    if (shape === null) return build(rows).compile();
    const slots = shape.parameters;
    const parameters: unknown[] = new Array(slots.length);
    for (let i = 0; i < slots.length; i++) parameters[i] = rows[slots[i]!.row]![slots[i]!.column];
    return CompiledQuery.raw(shape.sql, parameters) as CompiledQuery<O>;
  }

  /**
   * Runs `build(params)` — any statement (the hot selects of a lead) whose values are `params`: a value each, or a list
   * each for `in (…)` — compiling it only the first time its shape (name, the params given, each list's length) is
   * seen. The same contract as `run`: `build` takes every value from `params`, else it is compiled on every call.
   */
  async query<P extends Readonly<Record<string, unknown>>, O>(
    db: Kysely<Database>,
    name: string,
    params: P,
    build: (params: P) => Compilable<O>,
  ): Promise<QueryResult<O>> {
    return db.executeQuery<O>(this.compile(name, params, build));
  }

  /** The statement `query` runs, compiled (once per shape) but not run: for a caller that sends it with others. */
  compile<P extends Readonly<Record<string, unknown>>, O>(name: string, params: P, build: (params: P) => Compilable<O>): CompiledQuery<O> {
    let key = name;
    for (const k in params) {
      const v = params[k];
      if (v !== undefined) key += Array.isArray(v) ? `|${k}[${v.length}]` : `|${k}`;
    }
    let shape = this.#shapes.get(key);
    if (shape === undefined) {
      shape = compileQueryShape(params, build);
      if (this.#shapes.size < MAX_SHAPES) this.#shapes.set(key, shape);
    }
    if (shape === null) return build(params).compile();
    const slots = shape.parameters;
    const parameters: unknown[] = new Array(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      const v = params[slot.column];
      parameters[i] = slot.row < 0 ? v : (v as readonly unknown[])[slot.row];
    }
    return CompiledQuery.raw(shape.sql, parameters) as CompiledQuery<O>;
  }
}

/** A query's shape: a placeholder per value (row -1) or per list element (row = its index). */
function compileQueryShape<P extends Readonly<Record<string, unknown>>, O>(params: P, build: (params: P) => Compilable<O>): Shape | null {
  const placeholders: Record<string, unknown> = {};
  let count = 0;
  for (const k in params) {
    const v = params[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      placeholders[k] = v.map((_, i) => new Placeholder(i, k));
      count += v.length;
    } else {
      placeholders[k] = new Placeholder(-1, k);
      count++;
    }
  }
  const compiled = build(placeholders as P).compile();
  return onePerValue(compiled.parameters, count) ? { sql: compiled.sql, parameters: compiled.parameters as readonly Placeholder[] } : null;
}

/** Whether the compiled parameters are exactly the placeholders, each once (no value from elsewhere). */
const onePerValue = (params: readonly unknown[], count: number): boolean =>
  params.length === count && params.every((p) => p instanceof Placeholder) && new Set(params).size === params.length;

function compileShape<Row, O>(count: number, columns: readonly string[], build: (rows: readonly Row[]) => Compilable<O>): Shape | null {
  const placeholders = Array.from({ length: count }, (_, row) => Object.fromEntries(columns.map((c) => [c, new Placeholder(row, c)])));
  const compiled = build(placeholders as unknown as Row[]).compile();
  const params = compiled.parameters;
  return onePerValue(params, count * columns.length) ? { sql: compiled.sql, parameters: params as readonly Placeholder[] } : null;
}

/** The row's columns that hold a value (Kysely leaves `undefined` ones out of an insert). */
function definedColumns(row: Readonly<Record<string, unknown>>): string[] {
  const columns: string[] = [];
  for (const c in row) if (row[c] !== undefined) columns.push(c);
  return columns;
}

function hasExactly(row: Readonly<Record<string, unknown>>, columns: readonly string[]): boolean {
  let defined = 0;
  for (const c in row) if (row[c] !== undefined) defined++;
  return defined === columns.length && columns.every((c) => row[c] !== undefined);
}

/**
 * Splits `items` into chunks whose sizes are few and fixed — `max` (a power of two) as often as it fits, then the
 * remainder's powers of two, largest first — so a statement per chunk has at most log2(max) + 1 shapes however many
 * items come (a sealing batch varies every round: issue 18, lane sealcost). Each shape is compiled once and its SQL
 * text stays in the driver's statement cache, instead of a new text (a fresh compile and prepare) per batch size.
 */
export function shapeSizedChunks<T>(items: readonly T[], max: number): (readonly T[])[] {
  if (!Number.isInteger(Math.log2(max))) throw new RangeError(`chunk size ${max} is not a power of two`);
  const chunks: (readonly T[])[] = [];
  let i = 0;
  for (let size = max; size >= 1; size /= 2) {
    while (items.length - i >= size) {
      chunks.push(items.slice(i, i + size));
      i += size;
    }
  }
  return chunks;
}
