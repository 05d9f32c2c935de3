/**
 * Entry ids for list rows that carry none of their own (CSL rows without `entity_number`, every BIS Denied Persons
 * List row). Delta re-screening and the shrink guard follow entries by id, so the id must survive a republication that
 * leaves the row's identity alone: it is a hash of the fields that say who and where (list, name, address), not of
 * dates or notices, which an order's renewal rewrites.
 */
import { createHash } from 'node:crypto';

/** `row-` and 16 hex digits of sha256 over the parts (64 bits: no collision among a few thousand rows in practice). */
export const rowEntryId = (parts: readonly string[]): string =>
  `row-${createHash('sha256')
    .update(parts.map((p) => p.trim()).join('\u001f'))
    .digest('hex')
    .slice(0, 16)}`;

export type RowIdAssignment = { readonly kind: 'assigned'; readonly id: string; readonly shared: boolean } | { readonly kind: 'duplicate' };

/**
 * Gives each row a distinct id. A row equal in every field to an earlier one is a `duplicate` (the list is not made
 * longer by a publisher's repeated line; the caller counts it). A row that shares its id with a different row (same
 * name and address, other dates) gets the id with `-2`, `-3`, … in file order, and is `shared`.
 */
export class RowEntryIds {
  private readonly rowById = new Map<string, string>();

  assign(id: string, wholeRow: readonly string[]): RowIdAssignment {
    const row = wholeRow.join('\u001f');
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? id : `${id}-${n}`;
      const seen = this.rowById.get(candidate);
      if (seen === undefined) {
        this.rowById.set(candidate, row);
        return { kind: 'assigned', id: candidate, shared: n > 1 };
      }
      if (seen === row) return { kind: 'duplicate' };
    }
  }
}
