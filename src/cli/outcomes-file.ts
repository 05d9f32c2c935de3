import { readFileSync } from 'node:fs';
import { OUTCOME_RESULTS, type OutcomeResult } from '../domain/outcomes/outcome-fact.ts';
import { ListLoadError } from '../screening/list-error.ts';
import { parseCsvRows } from '../screening/list-file.ts';
import { CliFailure } from './cli-io.ts';

/**
 * `remit simulate --outcomes <csv>`: known outcomes as `leadId,outcome` (header row; outcome WON, LOST or
 * DISQUALIFIED) → rewards by lead id (WON 1, LOST 0; DISQUALIFIED left out: never winnable). Without it the
 * evaluation reads the stored outcomes; the file evaluates against others (an export from elsewhere). Any bad row refuses the whole file.
 */
export function readOutcomeRewards(file: string): ReadonlyMap<string, number> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliFailure('INPUT_UNREADABLE', undefined, [
      { file, path: '', message: `cannot read (${(e as NodeJS.ErrnoException).code})` },
    ]);
  }
  let rows;
  try {
    rows = parseCsvRows(file, text);
  } catch (e) {
    if (!(e instanceof ListLoadError)) throw e;
    throw new CliFailure('INPUT_UNREADABLE', undefined, [{ file, path: '', message: e.message }]);
  }
  const header = rows[0]?.fields.map((f) => f.trim()) ?? [];
  const lead = header.indexOf('leadId');
  const outcome = header.indexOf('outcome');
  if (lead < 0 || outcome < 0)
    throw new CliFailure('INPUT_UNREADABLE', undefined, [
      { file, path: 'line 1', message: 'a header with the columns leadId and outcome' },
    ]);
  const rewards = new Map<string, number>();
  const problems = [];
  for (const row of rows.slice(1)) {
    const id = row.fields[lead]?.trim() ?? '';
    const result = row.fields[outcome]?.trim() ?? '';
    if (id === '' || !(OUTCOME_RESULTS as readonly string[]).includes(result)) {
      problems.push({ file, path: `line ${row.line}`, message: `a lead id and one of ${OUTCOME_RESULTS.join(', ')}` });
      continue;
    }
    if ((result as OutcomeResult) !== 'DISQUALIFIED') rewards.set(id, result === 'WON' ? 1 : 0);
  }
  if (problems.length > 0) throw new CliFailure('INPUT_UNREADABLE', undefined, problems);
  return rewards;
}
