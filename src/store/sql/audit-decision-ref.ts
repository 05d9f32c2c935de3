import { spliceMember } from '../../domain/shared/canonical-json.ts';

/**
 * A decision entry's payload stored without its `decision` member, which is the document of a `decisions` row
 * (issue 18, docs/audit.md "Decision entries"): the inbox row since migration 0030, the sealed log row since 0049. The
 * stored text carries REF_MARK where `"decision":<document_json>` goes back; every reader of either table puts it back
 * here, so what they return (and what is hashed) is the entry as sealed.
 *
 * REF_MARK is U+0001: canonical JSON never holds a raw control character. It makes the stored text invalid JSON, so a
 * reader of a release before the reference (which parses payload_json, or hashes it as it is) fails on the row, loudly,
 * instead of returning or sealing the entry without its decision.
 */
export const REF_MARK = '\u0001';

/** The stored form of a payload text whose `decision` member was taken out at `offset`. */
export const markedText = (payloadText: string, offset: number): string =>
  `${payloadText.slice(0, offset)}${REF_MARK}${payloadText.slice(offset)}`;

/**
 * The whole payload text of a stored row that references its decision: `"decision":<document>` spliced back at `offset`.
 * undefined when the reference does not hold (the mark is not where the row says, or the document is missing): the
 * caller decides what that means (the sealer stops, verify reports the entry as altered, a reader refuses it).
 */
export function splicedText(stored: string, offset: number | null, document: string | null | undefined): string | undefined {
  if (offset === null || document === null || document === undefined) return undefined;
  const at = Number(offset);
  if (stored[at] !== REF_MARK) return undefined;
  return spliceMember(`${stored.slice(0, at)}${stored.slice(at + 1)}`, at, 'decision', document);
}
