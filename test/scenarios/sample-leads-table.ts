import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The contract table of examples/bank/leads/README.md (and of every example's leads/README.md laid out
 * the same way, e.g. examples/saas): each sample lead with the time it is routed at and the expected
 * outcome, exit code, rule, team, rep and first reason code.
 */

export const EXAMPLE_DIR = join(import.meta.dirname, '../../examples/bank');
export const LEADS_DIR = join(EXAMPLE_DIR, 'leads');

export interface SampleLeadRow {
  readonly file: string;
  readonly at: string;
  readonly outcome: string;
  readonly exit: number;
  readonly rule: string | null;
  readonly team: string | null;
  readonly rep: string | null;
  readonly reason: string | null;
}

const dash = (cell: string): string | null => (cell === '—' ? null : cell);
const unquote = (cell: string) => cell.replace(/^`|`$/g, '');

export function sampleLeadRows(leadsDir: string = LEADS_DIR): SampleLeadRow[] {
  const text = readFileSync(join(leadsDir, 'README.md'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      const [file, at, outcome, exit, rule, team, rep, reason] = cells as [string, string, string, string, string, string, string, string];
      return {
        file: unquote(file),
        at: unquote(at),
        outcome,
        exit: Number(exit),
        rule: dash(rule),
        team: dash(team),
        rep: dash(rep),
        reason: dash(reason),
      };
    });
}
