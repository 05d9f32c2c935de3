import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { err, ok, type Result } from '../domain/shared/result.ts';
import { ListSourceCatalogue, ListSourcesFileSchema } from '../screening/list-sources.ts';
import { zodDetails } from '../domain/errors/zod-details.ts';
import { formatPath, type ConfigProblem } from './load-config.ts';

/** Where a config folder names its screening list sources. */
export const LIST_SOURCES_FILE = join('screening', 'lists.yaml');

/**
 * Reads `<config>/screening/lists.yaml` (docs/screening.md). Returns null when the config is a single
 * file or the folder has no such file (then no list is loaded unless `--list` names some). The file
 * is server-side configuration, read at start only: it is not part of the org version that an
 * admin can publish over the API, so no API call can point the service at another file.
 */
export async function loadListSources(configPath: string): Promise<Result<ListSourceCatalogue | null, ConfigProblem[]>> {
  if (!(await stat(configPath).catch(() => null))?.isDirectory()) return ok(null);
  const file = join(configPath, LIST_SOURCES_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(null);
    return err([{ file, path: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) return err(doc.errors.map((e) => ({ file, path: '', message: `invalid YAML: ${e.message.split('\n')[0]}` })));
  const parsed = ListSourcesFileSchema.safeParse(doc.toJS());
  if (!parsed.success) return err(zodDetails(parsed.error.issues, { path: formatPath, file }));
  return ok(ListSourceCatalogue.fromFile(parsed.data, configPath));
}
