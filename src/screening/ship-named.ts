/**
 * A name written with a ship-type prefix (MV, M/V, MT, M/T, FV, RV) names a ship, whatever schema it was filed or sent
 * under: lists and forms file ships as companies ("MV Ras Kitau" under Company), and the normaliser already drops the
 * prefix from an organisation name without a legal form. Such a pair is compared as ships' names are: a generic word's
 * plural is another ship (`MV Ocean Trader` / `MV Ocean Traders`, where a company's `Motor` / `Motors` stays one word)
 * a word extended by a suffix is another word (`Voyager` / `Voyage`; dictionary-words.ts), and a name with a legal
 * form against it is the ship's owner or manager, not the ship (`vesselOwnerFactor`: `MV KAPITAN GUSEYNOV` / `Kapitan
 * Guseynov Shipping Ltd`). One side so written is enough: the pair is about a ship.
 *
 * Not ship marks, though the normaliser drops them too: rigour's `The`; `MS` / `M/S` (motor ship, but also the
 * South Asian "Messrs" before a firm, `M/s Sharma Traders`, and the gang `MS-13`); `MY` and `SS` (Malay and other
 * words, the SS). `MT` is also "Mount" (`Mt Kenya`): in a name without a legal form it is read as a tanker, as the
 * normaliser already does.
 */

/** The ship-type prefixes that mark a ship, as the normaliser's tokens spell them (`M/V` and `M.V.` join to `mv`). */
const SHIP_TYPE_PREFIXES = new Set(['mv', 'mt', 'fv', 'rv']);

/** Whether a dropped name prefix (its tokens joined) says the name is a ship's. */
export const isShipTypePrefix = (prefix: string): boolean => SHIP_TYPE_PREFIXES.has(prefix);

/** Whether two names are compared as ships' names: vessels, or either written with a ship-type prefix. */
export const comparedAsShips = (a: { schema: string; ship?: true }, b: { ship?: true }): boolean =>
  a.schema === 'vessel' || a.ship === true || b.ship === true;
