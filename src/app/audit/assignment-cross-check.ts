import type { AuditKind, JsonValue, LeafRangeDigest, PayloadFields, StoredAuditRow } from '../../audit/index.ts';
import type { LeadRecord } from '../../store/ports/leads.port.ts';
import { AuditReferenceError } from '../../store/store-errors.ts';
import type { Store } from '../../store/unit-of-work.ts';

/**
 * Finding W17: the audit log is tamper-evident, but the lead's *current* assignment lives in the
 * leads table, which an attacker with database access can edit without touching the log. This
 * cross-check replays, per lead, every audited change of status, team and rep and compares the
 * result with the leads table. Every path that changes a lead's row writes one of these entries in
 * the same transaction:
 *
 * - `decision` (intake, SLA re-route, queued-lead assignment, re-decision after screening): status = outcome, team and rep of the decision;
 * - `review` with action `review.approved`: ASSIGNED to the approved team and rep;
 * - `lifecycle` with a target (`transition`, and the close of an assigned lead): status = `to`, team and rep kept;
 * - `dedupe` with result `duplicate`: DUPLICATE, no team or rep;
 * - `erasure` with action `personal_data.erased`: ERASED, team and rep kept.
 */

export interface Assignment {
  readonly status: string;
  readonly teamId: string | null;
  readonly repId: string | null;
}

/** The assignment the audit log says a lead has, and the entry that last set it (seq null: still in the unsealed inbox). */
export interface AuditedAssignment extends Assignment {
  readonly kind: AuditKind;
  readonly seq: number | null;
}

export type AssignmentProblem = 'ASSIGNMENT_MISMATCH' | 'NO_AUDITED_ASSIGNMENT';

export interface AssignmentMismatch {
  readonly leadId: string;
  readonly problem: AssignmentProblem;
  readonly detail: string;
  readonly current: Assignment;
  readonly audited: AuditedAssignment | null;
}

export interface AssignmentCheck {
  readonly ok: boolean;
  readonly leadsChecked: number;
  /** How many leads disagree with the log; `mismatches` lists the first MAX_REPORTED of them. */
  readonly mismatchCount: number;
  readonly mismatches: readonly AssignmentMismatch[];
}

export const MAX_REPORTED_MISMATCHES = 50;

type Payload = { readonly [key: string]: JsonValue };
const asObject = (v: JsonValue | undefined): Payload | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Payload) : null;
const text = (v: JsonValue | undefined): string | null => (typeof v === 'string' ? v : null);
const idOf = (v: JsonValue | undefined): string | null => text(asObject(v)?.id);

/** The assignment after one audit entry about the lead; `previous` when the entry does not change it. */
export function assignmentAfter(
  previous: AuditedAssignment | undefined,
  entry: { readonly kind: AuditKind; readonly payload: JsonValue; readonly seq: number | null },
): AuditedAssignment | undefined {
  const p = asObject(entry.payload);
  if (p === null) return previous;
  const at = { kind: entry.kind, seq: entry.seq };
  switch (entry.kind) {
    case 'decision': {
      const decision = asObject(p.decision);
      const outcome = text(decision?.outcome);
      return outcome === null ? previous : { ...at, status: outcome, teamId: idOf(decision?.team), repId: idOf(decision?.rep) };
    }
    case 'review':
      return p.action === 'review.approved' ? { ...at, status: 'ASSIGNED', teamId: text(p.teamId), repId: text(p.repId) } : previous;
    case 'lifecycle': {
      // A lifecycle move (action `transition`) or the close of an assigned lead (no action); facts and refused moves carry no target.
      const to = text(p.to);
      if (to === null || (p.action !== undefined && p.action !== 'transition')) return previous;
      return { ...at, status: to, teamId: previous?.teamId ?? null, repId: previous?.repId ?? null };
    }
    case 'dedupe':
      return p.result === 'duplicate' ? { ...at, status: 'DUPLICATE', teamId: null, repId: null } : previous;
    case 'erasure':
      if (p.action !== 'personal_data.erased') return previous;
      return { ...at, status: 'ERASED', teamId: previous?.teamId ?? null, repId: previous?.repId ?? null };
    default:
      return previous;
  }
}

/** Compares one lead row with the assignment its audit entries add up to; null when they agree. */
export function compareAssignment(lead: LeadRecord, audited: AuditedAssignment | undefined): AssignmentMismatch | null {
  const current: Assignment = { status: lead.status, teamId: lead.teamId, repId: lead.repId };
  if (audited === undefined) {
    return {
      leadId: lead.id,
      problem: 'NO_AUDITED_ASSIGNMENT',
      detail: `lead ${lead.id} is ${describe(current)} but no audit entry ever decided or assigned it`,
      current,
      audited: null,
    };
  }
  if (audited.status === current.status && audited.teamId === current.teamId && audited.repId === current.repId) return null;
  const where = audited.seq === null ? `its unsealed ${audited.kind} entry` : `${audited.kind} entry #${audited.seq}`;
  return {
    leadId: lead.id,
    problem: 'ASSIGNMENT_MISMATCH',
    detail:
      `lead ${lead.id} is ${describe(current)} in the leads table, but ${where} made it ` +
      `${describe({ status: audited.status, teamId: audited.teamId, repId: audited.repId })}`,
    current,
    audited,
  };
}

const describe = (a: Assignment) => `${a.status} (team ${a.teamId ?? '—'}, rep ${a.repId ?? '—'})`;

async function pendingEntries(store: Store, subject?: string) {
  const pending = await store.audit.pending((await store.audit.pendingCount()) + 1_000);
  return pending
    .filter((p) => subject === undefined || p.event.subject === subject)
    .map((p) => ({ subject: p.event.subject, kind: p.event.kind, payload: p.event.payload, seq: null }));
}

/** One lead again, from its own entries: a lead written between the bulk reads is not a mismatch. */
async function recheck(store: Store, leadId: string): Promise<AssignmentMismatch | null> {
  const lead = await store.leads.get(leadId);
  if (!lead) return null;
  let audited = await sealedAssignment(store, leadId);
  for (const entry of await pendingEntries(store, leadId)) audited = assignmentAfter(audited, entry);
  return compareAssignment(lead, audited);
}

/** One lead's assignment by its sealed entries. */
async function sealedAssignment(store: Store, leadId: string): Promise<AuditedAssignment | undefined> {
  try {
    let audited: AuditedAssignment | undefined;
    for (const row of await store.audit.rowsForSubject(leadId)) audited = assignmentAfter(audited, row);
    return audited;
  } catch (e) {
    if (!(e instanceof AuditReferenceError)) throw e;
    // A decision entry whose referenced decisions row is not as sealed (migration 0049): verification names the entry;
    // here the lead's entries are read as the whole-log fold reads them (the entry that is not JSON assigns nothing).
    const folded = new AuditedAssignments();
    for await (const row of store.audit.storedRows()) if (row.subject === leadId) folded.addStored(row);
    return folded.bySubject.get(leadId);
  }
}

/**
 * The kinds assignmentAfter reads (an entry of any other kind leaves every assignment as it was) and what it reads of
 * each one's payload: only whether these keys are present,
 * objects along the way and strings at the end, so a payload projected to them (projectPayload) assigns exactly as the
 * whole payload does (test/app/assignment-projection.test.ts). `audit verify` of a large log has the digest workers
 * parse each assigning payload and send only these fields (issue 18). Change both together.
 */
export const ASSIGNMENT_PAYLOAD_FIELDS: PayloadFields = {
  decision: [
    ['decision', 'outcome'],
    ['decision', 'team', 'id'],
    ['decision', 'rep', 'id'],
  ],
  review: [['action'], ['teamId'], ['repId']],
  lifecycle: [['to'], ['action']],
  dedupe: [['result']],
  erasure: [['action']],
};
const assigning: ReadonlySet<string> = new Set<string>(Object.keys(ASSIGNMENT_PAYLOAD_FIELDS));

/**
 * The assignments the log adds up to, folded entry by entry in seq order. `audit verify` feeds it the rows it is
 * verifying anyway (one read of the log, not two), and a row's payload is parsed only when its kind can assign.
 */
export class AuditedAssignments {
  readonly bySubject = new Map<string, AuditedAssignment>();
  /**
   * Sealed entries below this seq are folded. A verifier that goes back over rows it already passed (a range digest
   * that did not apply, then the rows read again) shows them again; they are not applied twice.
   */
  #sealedTo = 0;

  add(entry: { readonly subject: string; readonly kind: AuditKind; readonly payload: JsonValue; readonly seq: number | null }): void {
    const next = assignmentAfter(this.bySubject.get(entry.subject), entry);
    if (next !== undefined) this.bySubject.set(entry.subject, next);
  }

  addStored(row: Pick<StoredAuditRow, 'seq' | 'kind' | 'subject' | 'payloadText'>): void {
    if (row.seq < this.#sealedTo) return;
    this.#sealedTo = row.seq + 1;
    if (!assigning.has(row.kind)) return;
    let payload: JsonValue;
    try {
      payload = JSON.parse(row.payloadText) as JsonValue;
    } catch {
      // Not JSON: the row was altered after sealing, which verification reports; it assigns nothing.
      return;
    }
    this.add({ subject: row.subject, kind: row.kind as AuditKind, payload, seq: row.seq });
  }

  /**
   * A clean range digest asked with ASSIGNMENT_PAYLOAD_FIELDS (its payloads: the assigning kinds', projected to what
   * assignmentAfter reads, null where the text is not JSON, which assigns nothing as addStored's skip does); an unclean
   * one is read again as rows.
   */
  addDigest(d: LeafRangeDigest): void {
    if (d.kind !== 'clean' || d.to <= this.#sealedTo) return;
    for (const p of d.payloads) {
      if (p.seq < this.#sealedTo || !assigning.has(p.kind)) continue;
      this.#sealedTo = p.seq + 1;
      this.add({ subject: p.subject, kind: p.kind as AuditKind, payload: p.payload, seq: p.seq });
    }
    this.#sealedTo = Math.max(this.#sealedTo, d.to);
  }
}

/**
 * Every lead's current status, team and rep against the sealed log followed by the unsealed inbox.
 * Leads that disagree are read again on their own before they are reported, so a service writing
 * while this runs causes no false alarm; a row edited behind Remit's back disagrees every time.
 * `sealed`: the whole sealed log already folded (by the verification pass); absent, the log is read here.
 */
export async function crossCheckAssignments(store: Store, sealed?: AuditedAssignments): Promise<AssignmentCheck> {
  const leads = await store.leads.list();
  let folded = sealed;
  if (!folded) {
    folded = new AuditedAssignments();
    for await (const row of store.audit.storedRows()) folded.addStored(row);
  }
  for (const entry of await pendingEntries(store)) folded.add(entry);
  const audited = folded.bySubject;
  const mismatches: AssignmentMismatch[] = [];
  for (const lead of leads) {
    if (compareAssignment(lead, audited.get(lead.id)) === null) continue;
    const confirmed = await recheck(store, lead.id);
    if (confirmed) mismatches.push(confirmed);
  }
  return {
    ok: mismatches.length === 0,
    leadsChecked: leads.length,
    mismatchCount: mismatches.length,
    mismatches: mismatches.slice(0, MAX_REPORTED_MISMATCHES),
  };
}
