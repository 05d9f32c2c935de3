/**
 * Quality measurement for screening, one implementation for `remit screen eval` and bench/screening.bench.ts:
 * labelled name pairs (precision / recall / F1 by category, worst errors) and people positives / negatives
 * (recall / false-positive rate) screened against loaded lists. Proportions carry Wilson 95 % intervals, so a
 * difference between two runs on a few hundred rows can be read for what it is worth.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { BatchInputError, personName } from './batch-screen.ts';
import { compareNames, type ScreeningQuery } from './matcher.ts';
import { DEFAULT_COMPARE_PARAMS, type NameCompareParams } from './name-compare.ts';
import type { ScreenOptions } from './screening-engine.ts';
import type { ScreeningService } from './screening-service.ts';
import { wilson, type Interval } from '../domain/shared/wilson-interval.ts';

export type EvalRow = Readonly<Record<string, string>>;

/** Which rows of a labelled set are scored: the dev half (tuning), the held-out half (reporting), or all. */
export type EvalHalf = 'dev' | 'held' | 'all';

/**
 * Stable dev / held-out split: the first byte of sha256(schema|name1|name2) decides, so a row keeps its half
 * whatever file it is in and however the file is ordered.
 */
export function evalHalf(schema: string, name1: string, name2: string): 'dev' | 'held' {
  const h = createHash('sha256').update(`${schema}|${name1}|${name2}`).digest();
  return h[0]! % 2 === 0 ? 'dev' : 'held';
}

/** A people row's half: sha256 of the name it screens (same rule as pairs), so it does not depend on file order. */
export function personHalf(name: string): 'dev' | 'held' {
  return createHash('sha256').update(name).digest()[0]! % 2 === 0 ? 'dev' : 'held';
}

/** Reads a CSV with a header row; column names are trimmed and lower-cased. */
export function readEvalCsv(path: string): EvalRow[] {
  try {
    return parse(readFileSync(path), {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as EvalRow[];
  } catch (e) {
    const err = e as { lines?: number; message?: string };
    throw new BatchInputError(`${path}: malformed CSV: ${err.message ?? String(e)}`, err.lines);
  }
}

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export interface Metrics extends Confusion {
  n: number;
  precision: number;
  precisionCi: Interval;
  recall: number;
  recallCi: Interval;
  f1: number;
  /** False-positive rate fp / (fp + tn). */
  fpr: number;
  fprCi: Interval;
}

export function metrics(c: Confusion): Metrics {
  const p = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0;
  const r = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
  return {
    ...c,
    n: c.tp + c.fp + c.fn + c.tn,
    precision: r4(p),
    precisionCi: wilson(c.tp, c.tp + c.fp),
    recall: r4(r),
    recallCi: wilson(c.tp, c.tp + c.fn),
    f1: r4(p + r ? (2 * p * r) / (p + r) : 0),
    fpr: r4(c.fp + c.tn ? c.fp / (c.fp + c.tn) : 0),
    fprCi: wilson(c.fp, c.fp + c.tn),
  };
}

function count(c: Confusion, predicted: boolean, gold: boolean): void {
  if (predicted && gold) c.tp++;
  else if (predicted) c.fp++;
  else if (gold) c.fn++;
  else c.tn++;
}

const zero = (): Confusion => ({ tp: 0, fp: 0, fn: 0, tn: 0 });

/** One scored pair; an error is a false positive (scored at or above the threshold) or a false negative. */
export interface PairOutcome {
  line: number;
  schema: string;
  name1: string;
  name2: string;
  category: string;
  gold: boolean;
  score: number;
  error?: 'false_positive' | 'false_negative';
  /** The forms actually compared (after transliteration and normalisation). */
  comparedAs: [string, string];
}

export interface PairsReport {
  file: string;
  half: EvalHalf;
  threshold: number;
  overall: Metrics;
  byCategory: Record<string, Metrics>;
  /** Mean score of the matches minus that of the non-matches: how well the scores separate, whatever the threshold. */
  meanScoreMatches: number;
  meanScoreNonMatches: number;
  /** Per category, the errors furthest on the wrong side of the threshold, worst first. */
  worstErrors: Record<string, PairOutcome[]>;
}

const TRUE_LABELS = new Set(['true', '1', 'yes', 'y', 'match', 't']);
const FALSE_LABELS = new Set(['false', '0', 'no', 'n', 'non-match', 'nonmatch', 'f']);

function column(row: EvalRow, names: readonly string[]): string | undefined {
  for (const n of names) if (row[n] !== undefined) return row[n];
  return undefined;
}

/**
 * Scores a labelled pairs file (columns name1,name2,is_match[,schema][,category] or name_a,name_b,label[,category]).
 * A row with a label that is neither true nor false is a BatchInputError naming its line. `params` are the comparison
 * parameters (default: the pair defaults), so a rule's effect can be measured with it switched off
 * (bench/screening-devset/rule-ablation.ts).
 */
export function scorePairs(
  path: string,
  threshold: number,
  half: EvalHalf = 'all',
  worstPerCategory = 3,
  params: NameCompareParams = DEFAULT_COMPARE_PARAMS,
): PairsReport {
  const rows = readEvalCsv(path);
  const first = rows[0];
  if (first && (column(first, ['name1', 'name_a']) === undefined || column(first, ['is_match', 'label']) === undefined))
    throw new BatchInputError(`${path}: expected columns name1,name2,is_match[,schema,category] or name_a,name_b,label[,category]`, 1);
  const overall = zero();
  const byCategory = new Map<string, Confusion>();
  const errors = new Map<string, PairOutcome[]>();
  const scores = { match: [] as number[], non: [] as number[] };
  rows.forEach((row, i) => {
    const line = i + 2;
    const schema = row['schema'] ?? '';
    const name1 = column(row, ['name1', 'name_a']) ?? '';
    const name2 = column(row, ['name2', 'name_b']) ?? '';
    if (half !== 'all' && evalHalf(schema, name1, name2) !== half) return;
    const label = (column(row, ['is_match', 'label']) ?? '').trim().toLowerCase();
    if (!TRUE_LABELS.has(label) && !FALSE_LABELS.has(label)) throw new BatchInputError(`${path}: label "${label}" is not true/false`, line);
    const gold = TRUE_LABELS.has(label);
    const category = (row['category'] ?? '').trim() || '(none)';
    const r = compareNames(schema, name1, name2, params);
    const predicted = r.score >= threshold;
    count(overall, predicted, gold);
    let c = byCategory.get(category);
    if (!c) byCategory.set(category, (c = zero()));
    count(c, predicted, gold);
    (gold ? scores.match : scores.non).push(r.score);
    if (predicted !== gold) {
      const list = errors.get(category) ?? [];
      list.push({
        line,
        schema,
        name1,
        name2,
        category,
        gold,
        score: r.score,
        error: gold ? 'false_negative' : 'false_positive',
        comparedAs: r.explanation.comparedAs,
      });
      errors.set(category, list);
    }
  });
  const distance = (o: PairOutcome) => Math.abs(o.score - threshold);
  const worstErrors: Record<string, PairOutcome[]> = {};
  for (const [cat, list] of [...errors].sort((a, b) => b[1].length - a[1].length))
    worstErrors[cat] = [...list].sort((a, b) => distance(b) - distance(a)).slice(0, worstPerCategory);
  const categories: Record<string, Metrics> = {};
  for (const [cat, c] of [...byCategory].sort((a, b) => a[0].localeCompare(b[0]))) categories[cat] = metrics(c);
  return {
    file: path,
    half,
    threshold,
    overall: metrics(overall),
    byCategory: categories,
    meanScoreMatches: mean(scores.match),
    meanScoreNonMatches: mean(scores.non),
    worstErrors,
  };
}

/** A people row (columns full_name or first/middle/last name, date_of_birth, nationality) as a person query. */
export function personQuery(row: EvalRow): ScreeningQuery {
  const name = personName(row);
  const q: ScreeningQuery = { name, kind: 'person' };
  if (row['date_of_birth']?.trim()) q.dob = row['date_of_birth'].trim();
  if (row['nationality']?.trim()) q.country = row['nationality'].trim();
  return q;
}

export interface PeopleError {
  line: number;
  name: string;
  /** Best hit (matched name, list, score), when there was one. */
  best?: { matchedName: string; listId: string; entryId: string; score: number };
}

/** Screening a positives file measures recall (every row should be flagged); a negatives file measures the FPR. */
export interface PeopleReport {
  file: string;
  expect: 'positive' | 'negative';
  half: EvalHalf;
  rows: number;
  flagged: number;
  /** Recall (positives) or false-positive rate (negatives), with its Wilson interval. */
  rate: number;
  rateCi: Interval;
  /** Missed positives (lowest best score first) or flagged negatives (highest score first). */
  worstErrors: PeopleError[];
}

export function screenPeople(
  service: ScreeningService,
  path: string,
  expect: PeopleReport['expect'],
  options: ScreenOptions,
  worst = 10,
  half: EvalHalf = 'all',
): PeopleReport {
  const rows = readEvalCsv(path);
  const first = rows[0];
  if (first && first['full_name'] === undefined && first['last_name'] === undefined)
    throw new BatchInputError(`${path}: expected columns full_name or first_name,middle_name,last_name (date_of_birth, nationality)`, 1);
  let flagged = 0;
  let scored = 0;
  const errors: PeopleError[] = [];
  rows.forEach((row, i) => {
    const q = personQuery(row);
    if (!q.name) return;
    if (half !== 'all' && personHalf(q.name) !== half) return;
    scored++;
    const res = service.screen(q, { ...options, limit: 1 });
    if (res.isMatch) flagged++;
    if (res.isMatch !== (expect === 'positive')) {
      const h = res.hits[0];
      errors.push({
        line: i + 2,
        name: q.name,
        ...(h ? { best: { matchedName: h.matchedName, listId: h.listId, entryId: h.entryId, score: h.score } } : {}),
      });
    }
  });
  const score = (e: PeopleError) => e.best?.score ?? 0;
  errors.sort((a, b) => (expect === 'positive' ? score(a) - score(b) : score(b) - score(a)));
  return {
    file: path,
    expect,
    half,
    rows: scored,
    flagged,
    rate: r4(scored ? flagged / scored : 0),
    rateCi: wilson(flagged, scored),
    worstErrors: errors.slice(0, worst),
  };
}

function mean(a: number[]): number {
  return r4(a.reduce((x, y) => x + y, 0) / Math.max(1, a.length));
}

function r4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

const pct = (i: Interval) => `[${i.low.toFixed(3)}, ${i.high.toFixed(3)}]`;

/** Human-readable summary of eval reports (what `remit screen eval` prints without --json). */
export function formatEvalReport(pairs: readonly PairsReport[], people: readonly PeopleReport[]): string {
  const out: string[] = [];
  for (const p of pairs) {
    const m = p.overall;
    out.push(`pairs ${p.file} (half ${p.half}, threshold ${p.threshold}, n=${m.n})`);
    out.push(
      `  precision ${m.precision} ${pct(m.precisionCi)}  recall ${m.recall} ${pct(m.recallCi)}  F1 ${m.f1}  FPR ${m.fpr} ${pct(m.fprCi)}`,
    );
    out.push(`  mean score matches ${p.meanScoreMatches} / non-matches ${p.meanScoreNonMatches}`);
    const cats = Object.entries(p.byCategory).filter(([, c]) => c.fp + c.fn > 0);
    if (cats.length > 0) out.push('  categories with errors (tp/fp/fn/tn):');
    for (const [cat, c] of cats) out.push(`    ${cat}: ${c.tp}/${c.fp}/${c.fn}/${c.tn}`);
    const worst = Object.values(p.worstErrors).flat();
    if (worst.length > 0) out.push('  worst errors:');
    for (const e of worst)
      out.push(
        `    ${e.error === 'false_positive' ? 'FP' : 'FN'} ${e.score.toFixed(3)} [${e.category}] ${e.name1} | ${e.name2} (line ${e.line})`,
      );
  }
  for (const p of people) {
    const what = p.expect === 'positive' ? 'recall' : 'false-positive rate';
    out.push(`${p.expect}s ${p.file} (half ${p.half}): ${what} ${p.rate} ${pct(p.rateCi)} (${p.flagged}/${p.rows} flagged)`);
    const verb = p.expect === 'positive' ? 'missed' : 'flagged';
    for (const e of p.worstErrors) {
      const best = e.best ? ` ~ ${e.best.matchedName} ${e.best.score}` : '';
      out.push(`    ${verb} ${e.name} (line ${e.line})${best}`);
    }
  }
  return `${out.join('\n')}\n`;
}
