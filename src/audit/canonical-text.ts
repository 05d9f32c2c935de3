/** The audit log hashes entries with the one canonical serialiser the whole of Remit uses. */
export { canonicalJson as canonicalText, jsonString } from '../domain/shared/canonical-json.ts';
