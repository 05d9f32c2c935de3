import type { z } from 'zod';
import { pointer } from './detail-path.ts';
import type { ErrorDetail } from './error-catalogue.ts';

/** How a caller spells an issue's path: a JSON Pointer by default (docs/errors.md); config files use their own dotted form. */
export interface ZodDetailsOptions {
  /** Segments → path text; default `pointer` (RFC 6901). */
  readonly path?: (segments: readonly PropertyKey[]) => string;
  /** Segments placed before each issue's own path (e.g. `['body']` over HTTP). */
  readonly under?: readonly PropertyKey[];
  /** The file the input came from, for CLI and config details. */
  readonly file?: string;
}

/** The one zod issues → error details mapping (with `file`, every detail names it). */
export function zodDetails(
  issues: readonly z.core.$ZodIssue[],
  options: ZodDetailsOptions & { readonly file: string },
): (ErrorDetail & { readonly file: string })[];
export function zodDetails(issues: readonly z.core.$ZodIssue[], options?: ZodDetailsOptions): ErrorDetail[];
export function zodDetails(issues: readonly z.core.$ZodIssue[], options: ZodDetailsOptions = {}): ErrorDetail[] {
  const { path = pointer, under = [], file } = options;
  return issues.map((i) => {
    const at = path([...under, ...i.path]);
    return file === undefined ? { path: at, message: i.message } : { file, path: at, message: i.message };
  });
}

/** Segments joined with dots ("person.email", "rows.3"): the path form of CSV mappings and lead files on the command line. */
export const dottedPath = (segments: readonly PropertyKey[]): string => segments.map(String).join('.');
