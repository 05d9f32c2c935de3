/**
 * Screening list sources (docs/screening.md): the lists a service may load are named in server-side
 * configuration (id → format + file or directory). A client names a source by id, never by path,
 * so no request can make the service read a file the operator did not configure.
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { loadListAs } from './list-detect.ts';
import { LIST_SOURCE_TYPES, type ListSourceType, type LoadedList } from './screening-entity.ts';

export interface ListSource {
  readonly id: string;
  readonly format: ListSourceType;
  /** Absolute path of the file (or OFAC directory). */
  readonly path: string;
  readonly description?: string | undefined;
  /** The list's allowed age in days (screening.lists_stale when older); omitted: no limit. */
  readonly maxAgeDays?: number | undefined;
  /** How often the service checks the file and reloads it when it changed (docs/screening.md "Scheduled reloads"); omitted: never. */
  readonly reloadEveryMinutes?: number | undefined;
}

/** A reload that removes more than this fraction of a list's entries (or empties it) waits for a second approver. */
export const DEFAULT_MAX_SHRINK_FRACTION = 0.2;

export const LIST_SOURCE_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** `<config>/screening/lists.yaml`: paths are relative to the config folder (absolute ones are kept). */
export const ListSourcesFileSchema = z
  .strictObject({
    maxShrinkFraction: z
      .number()
      .min(0)
      .max(1)
      .default(DEFAULT_MAX_SHRINK_FRACTION)
      .describe('A reload that removes more than this fraction of a list, or empties it, needs a second approver.'),
    sources: z
      .array(
        z.strictObject({
          id: z.string().regex(LIST_SOURCE_ID, 'lower-case letters, digits, ".", "_" and "-", at most 64'),
          format: z.enum(LIST_SOURCE_TYPES as unknown as [ListSourceType, ...ListSourceType[]]),
          path: z.string().min(1),
          description: z.string().optional(),
          maxAgeDays: z
            .number()
            .int()
            .min(1)
            .optional()
            .describe('Compliance is told (screening.lists_stale) when the list is older than this many days; omitted: no limit.'),
          reloadEveryMinutes: z
            .number()
            .int()
            .min(1)
            .max(10_080)
            .optional()
            .describe(
              'Check the file this often (minutes, at most a week) and reload it, as `system`, when it changed; a shrink ' +
                'beyond maxShrinkFraction waits for approval as any reload. With several instances one checks per period. ' +
                'Omitted: reloaded only through the API or at start.',
            ),
        }),
      )
      .min(1),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.sources.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id ${s.id}` });
      seen.add(s.id);
    });
  });
export type ListSourcesFile = z.infer<typeof ListSourcesFileSchema>;

/** The configured sources, in configuration order. */
export class ListSourceCatalogue {
  readonly sources: readonly ListSource[];
  readonly maxShrinkFraction: number;

  constructor(sources: readonly ListSource[], maxShrinkFraction: number = DEFAULT_MAX_SHRINK_FRACTION) {
    this.sources = sources;
    this.maxShrinkFraction = maxShrinkFraction;
  }

  static fromFile(file: ListSourcesFile, configDir: string): ListSourceCatalogue {
    const sources = file.sources.map((s) => ({
      id: s.id,
      format: s.format,
      path: isAbsolute(s.path) ? s.path : resolve(configDir, s.path),
      description: s.description,
      maxAgeDays: s.maxAgeDays,
      reloadEveryMinutes: s.reloadEveryMinutes,
    }));
    return new ListSourceCatalogue(sources, file.maxShrinkFraction);
  }

  get(id: string): ListSource | undefined {
    return this.sources.find((s) => s.id === id);
  }

  get ids(): readonly string[] {
    return this.sources.map((s) => s.id);
  }
}

/** Loads one source; its list id is the source id. Throws ListLoadError (whose detail may quote the file: log it, never send it). */
export function loadListSource(source: ListSource, now: () => Date): LoadedList {
  return loadListAs(source.format, source.path, { now, listId: source.id });
}

/** True when going from `before` to `after` entries removes more than `maxFraction` of the list, or empties it. */
export function shrinksTooMuch(before: number | null, after: number, maxFraction: number): boolean {
  if (before === null || before === 0) return false;
  if (after === 0) return true;
  return (before - after) / before > maxFraction;
}

/** The newest modification time of the files a list was read from (the "file date" reported on /ready). */
export function filesModifiedAt(files: readonly string[]): string | undefined {
  let newest = 0;
  for (const f of files) {
    try {
      newest = Math.max(newest, statSync(f).mtimeMs);
    } catch {
      // A file removed after loading: the date of the others still says something.
    }
  }
  return newest > 0 ? new Date(newest).toISOString() : undefined;
}
