import type { Decision, LicenceSummary, TeamVerdict } from '../domain/decision/decision.ts';
import type { ScreeningHitSummary } from '../domain/lead/screening-hit-summary.schema.ts';
import type { AuditKind, Commitments, JsonValue, SealedAuditRow } from './audit-entry.ts';
import { entryLeafText } from './audit-entry.ts';
import type { CheckpointExport, KeyRing, SignedCheckpoint } from './checkpoint.ts';
import { exportCheckpoint, verifyCheckpoint } from './checkpoint.ts';
import { verifyInclusion } from './merkle-tree.ts';
import { fromHex, hashLeafText, toHex } from './tree-hash.ts';

/**
 * A lead's story (docs/audit.md): its audit entries in log order, each with an RFC 6962 inclusion proof
 * against one signed checkpoint, as a machine-readable document and as readable text. Pure: the
 * caller (store/service) supplies the rows, the checkpoint, the key ring and the audit paths
 * (e.g. from MerkleTree.inclusionProof(seq, checkpoint.treeSize)). The document is self-contained:
 * an outside verifier needs only it and node:crypto (or any SHA-256 + Ed25519 library).
 */

export interface StoryEntry {
  readonly seq: number;
  readonly kind: AuditKind;
  readonly subject: string;
  readonly actor: string;
  readonly at: string;
  readonly payload: JsonValue;
  readonly commitments: Commitments;
  /** The exact canonical leaf text that was hashed: SHA-256(0x00 ‖ UTF-8 of this) = entryHash. */
  readonly leafText: string;
  readonly prevHash: string;
  readonly entryHash: string;
  /** Audit path (hex, leaf side first) for leafIndex = seq in the checkpoint's tree; null when the entry is newer than the checkpoint. */
  readonly inclusion: { readonly leafIndex: number; readonly treeSize: number; readonly auditPath: readonly string[] } | null;
}

export type StoryProblemCode =
  | 'CHECKPOINT_SIGNATURE'
  | 'LEAF_HASH_MISMATCH'
  | 'INCLUSION_PROOF_MISSING'
  | 'INCLUSION_PROOF_INVALID'
  | 'NOT_YET_CHECKPOINTED'
  | 'WRONG_SUBJECT';
export interface StoryProblem {
  readonly seq: number | null;
  readonly code: StoryProblemCode;
  readonly detail: string;
}

export interface LeadStory {
  readonly format: 'remit-lead-story/v1';
  readonly logId: string;
  readonly subject: string;
  readonly checkpoint: CheckpointExport;
  readonly entries: readonly StoryEntry[];
  readonly integrity: {
    /** Checkpoint signature valid and every entry's leaf hash and inclusion proof check out. */
    readonly verified: boolean;
    readonly problems: readonly StoryProblem[];
    readonly method: string;
  };
}

export interface LeadStoryInput {
  readonly logId: string;
  readonly subject: string;
  readonly rows: readonly SealedAuditRow[];
  readonly checkpoint: SignedCheckpoint;
  readonly keys: KeyRing;
  /** seq → audit path (hex) in the tree of checkpoint.treeSize leaves. */
  readonly proofs: ReadonlyMap<number, readonly string[]>;
}

const METHOD =
  'For each entry: entryHash = SHA-256(0x00 ‖ UTF-8(leafText)); check that leafText is the canonical JSON (sorted keys, no whitespace) ' +
  'of {v:1, seq, kind, subject, actor, at, payload, commitments, prev: prevHash}; ' +
  'fold the audit path per RFC 9162 §2.1.3.2 (node = SHA-256(0x01 ‖ left ‖ right)) to the checkpoint rootHash; ' +
  'verify the checkpoint signature (Ed25519 over signedText) with the listed public key.';

export function buildLeadStory(input: LeadStoryInput): LeadStory {
  const problems: StoryProblem[] = [];
  const cp = input.checkpoint;
  const sig = verifyCheckpoint(cp, input.keys, input.logId);
  if (!sig.ok) problems.push({ seq: null, code: 'CHECKPOINT_SIGNATURE', detail: `${sig.error.code}: ${sig.error.detail}` });
  const root = fromHex(cp.rootHash);
  const entries: StoryEntry[] = [];
  for (const row of [...input.rows].sort((a, b) => a.seq - b.seq)) {
    if (row.subject !== input.subject)
      problems.push({ seq: row.seq, code: 'WRONG_SUBJECT', detail: `entry ${row.seq} is about ${row.subject}` });
    const leafText = entryLeafText(row);
    const leaf = hashLeafText(leafText);
    if (toHex(leaf) !== row.entryHash)
      problems.push({
        seq: row.seq,
        code: 'LEAF_HASH_MISMATCH',
        detail: `entry ${row.seq} content hashes to ${toHex(leaf)}, its sealed entryHash is ${row.entryHash}`,
      });
    let inclusion: StoryEntry['inclusion'] = null;
    if (row.seq >= cp.treeSize) {
      problems.push({
        seq: row.seq,
        code: 'NOT_YET_CHECKPOINTED',
        detail: `entry ${row.seq} is newer than the checkpoint (size ${cp.treeSize})`,
      });
    } else {
      const path = input.proofs.get(row.seq);
      if (!path) problems.push({ seq: row.seq, code: 'INCLUSION_PROOF_MISSING', detail: `no audit path for entry ${row.seq}` });
      else {
        inclusion = { leafIndex: row.seq, treeSize: cp.treeSize, auditPath: [...path] };
        const nodes = path.map(fromHex);
        const good =
          root !== undefined && nodes.every((n) => n !== undefined) && verifyInclusion(leaf, row.seq, cp.treeSize, nodes as Buffer[], root);
        if (!good)
          problems.push({
            seq: row.seq,
            code: 'INCLUSION_PROOF_INVALID',
            detail: `the audit path of entry ${row.seq} does not lead to root ${cp.rootHash}`,
          });
      }
    }
    entries.push({
      seq: row.seq,
      kind: row.kind,
      subject: row.subject,
      actor: row.actor,
      at: row.at,
      payload: row.payload,
      commitments: row.commitments,
      leafText,
      prevHash: row.prevHash,
      entryHash: row.entryHash,
      inclusion,
    });
  }
  return {
    format: 'remit-lead-story/v1',
    logId: input.logId,
    subject: input.subject,
    checkpoint: exportCheckpoint(cp, input.keys),
    entries,
    integrity: { verified: problems.length === 0, problems, method: METHOD },
  };
}

// ---------------------------------------------------------------------------------------------
// Text rendering.

const HEADINGS: Record<string, string> = {
  intake: 'Intake',
  dedupe: 'Duplicate check',
  account_match: 'Account match',
  screening: 'Screening',
  decision: 'Routing decision',
  review: 'Compliance review',
  reroute: 'Re-route',
  lifecycle: 'Lifecycle',
  contact: 'Contact',
  outreach: 'Outreach check',
  org_change: 'Org change',
  access: 'Access',
  erasure: 'Erasure',
  sla: 'SLA',
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const scalar = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** Flattens a payload to `a.b: value` lines (arrays of scalars joined), at most `limit` lines. */
function flatten(value: unknown, prefix: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  if (isObject(value)) {
    for (const key of Object.keys(value).sort()) flatten(value[key], prefix ? `${prefix}.${key}` : key, out, limit);
  } else if (Array.isArray(value) && value.some((x) => isObject(x) || Array.isArray(x))) {
    value.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out, limit));
  } else if (out.length < limit) {
    out.push(`${prefix || 'value'}: ${Array.isArray(value) ? (value.length ? value.map(scalar).join(', ') : 'none') : scalar(value)}`);
  }
}

const reasons = (rs: readonly { code: string; detail: string }[]): string =>
  rs.length ? rs.map((r) => `${r.code} (${r.detail})`).join('; ') : 'none';

function isDecision(v: unknown): v is Decision {
  return (
    isObject(v) &&
    typeof v['decisionId'] === 'string' &&
    typeof v['outcome'] === 'string' &&
    isObject(v['ruleSet']) &&
    isObject(v['constraints']) &&
    Array.isArray(v['candidates'])
  );
}

/** The decision document inside a 'decision' entry: the payload itself or its `decision` member. */
export function decisionOf(payload: JsonValue): Decision | undefined {
  if (isDecision(payload)) return payload;
  if (isObject(payload) && isDecision(payload['decision'])) return payload['decision'];
  return undefined;
}

const licenceLine = (l: LicenceSummary): string =>
  `licence ${l.id}: ${l.regulator} ${l.jurisdiction} ${l.activity} [${l.productLines.join('+')}] for ${l.customerTypes.join('/')}, ` +
  `${l.validFrom} to ${l.validTo ?? 'open'}, ${l.status}${l.sourceRef ? `, source ${l.sourceRef}` : ''}`;

function teamLines(t: TeamVerdict, chosenTeam: string | null, chosenRep: string | null): string[] {
  const lines = [
    `    - ${t.name} (${t.id}, entity ${t.entity}): ` +
      `${t.pass ? 'PASS' : `FAIL — ${reasons(t.reasons)}`}${t.id === chosenTeam ? '  ← chosen' : ''}`,
  ];
  if (t.licences.length === 0) lines.push('        licences: none in the jurisdiction');
  for (const l of t.licences) lines.push(`        ${licenceLine(l)}`);
  if (t.reliedOn.length) lines.push(`        relied on: ${t.reliedOn.join(', ')}`);
  for (const r of t.reps) {
    const verdict = r.eligible ? 'eligible' : `excluded — ${reasons(r.reasons)}`;
    lines.push(
      `        rep ${r.name} (${r.id}): lawful ${r.lawful ? 'yes' : 'no'}, available ${r.available ? 'yes' : 'no'}, ` +
        `${verdict}${r.reliedOn.length ? `; relied on ${r.reliedOn.join(', ')}` : ''}${r.id === chosenRep ? '  ← chosen' : ''}`,
    );
    // (decision documents recorded before reps carried their licences have none: render what is there)
    for (const l of (r as { licences?: readonly LicenceSummary[] }).licences ?? []) lines.push(`          ${licenceLine(l)}`);
  }
  return lines;
}

/** One screening hit: name score, disposition and reason, then each corroborating fact's effect. */
function screeningHitLines(h: ScreeningHitSummary): string[] {
  const head = `      hit ${h.listId}/${h.entryId}: name ${h.nameScore} → ${h.disposition} (${h.reasonCode}, priority ${h.priority})`;
  const facts = h.effects.map((f) => {
    const signed = f.effect >= 0 ? `+${f.effect}` : String(f.effect);
    const clears = f.hard ? (f.mayClear ? ', hard: allowed to clear' : ', hard: not allowed to clear') : '';
    return `        ${f.fact} ${f.outcome} ${signed}${clears}`;
  });
  return [head, ...facts];
}

/** The key parts of a decision document, for people. */
export function renderDecision(d: Decision): string[] {
  const c = d.constraints;
  const lines: string[] = [];
  const target = d.team ? ` → team ${d.team.name} (${d.team.id})${d.rep ? `, rep ${d.rep.name} (${d.rep.id})` : ''}` : '';
  lines.push(`  Decision ${d.decisionId}: ${d.outcome}${target}`);
  lines.push(`  Rule set ${d.ruleSet.version} (${d.ruleSet.hash}), decided ${d.decidedAt}`);
  if (d.licensing) lines.push(`  Licensing ${d.licensing.status}: ${d.licensing.code} (${d.licensing.detail})`);
  if (d.rule) {
    lines.push(
      `  Rule ${d.rule.id} (#${d.rule.index + 1} of ${d.rule.rulesEvaluated} ` +
        `evaluated)${d.rule.description ? ` "${d.rule.description}"` : ''}:`,
    );
    for (const t of d.rule.trace)
      lines.push(
        `    ${t.result ? 'true ' : 'false'} ${t.path} ${t.test}${t.actual !== undefined ? ` (value ${JSON.stringify(t.actual)})` : ''}`,
      );
  }
  lines.push('  Constraints evaluated:');
  lines.push(`    jurisdiction ${c.jurisdiction}, country ${c.country}`);
  lines.push(
    c.product
      ? `    product ${c.product.id} [${c.product.productLines.join('+')}], complexity ${c.product.complexity}, mass-market ` +
          `${c.product.massMarket ? 'yes' : 'no'}, appointment required ` +
          `${c.product.requiresAppointment ? 'yes' : 'no'}${c.product.carrier ? `, carrier ${c.product.carrier}` : ''}`
      : '    product: unknown',
  );
  lines.push(
    `    customer type ${c.customerType.effective}` +
      `${c.customerType.declared !== c.customerType.effective ? ` (declared ${c.customerType.declared})` : ''}` +
      `${c.customerType.findings.length ? `: ${c.customerType.findings.map((f) => `${f.code} (${f.detail})`).join('; ')}` : ''}`,
  );
  if (c.statuses.length) lines.push(`    statuses ${c.statuses.join(', ')}`);
  lines.push(
    `    appropriateness required ${c.appropriateness.required ? 'yes' : 'no'}` +
      `${c.appropriateness.required ? `, valid ${c.appropriateness.valid ? 'yes' : 'no'}` : ''}`,
  );
  lines.push(
    `    screening ${c.screening.status}${c.screening.tags.length ? ` [${c.screening.tags.join(', ')}]` : ''}, lists ` +
      `${c.screening.listVersions.join(', ') || 'none'}`,
  );
  if (c.screening.policyHash) lines.push(`      policy ${c.screening.policyHash}`);
  for (const h of c.screening.hits ?? []) lines.push(...screeningHitLines(h));
  lines.push(
    `    enhanced due diligence ${c.enhancedDueDiligenceRequired ? 'required' : 'not required'}; working hours ` +
      `${c.respectWorkingHours ? 'respected' : 'ignored'}`,
  );
  if (d.candidates.length) {
    lines.push('  Teams considered:');
    for (const t of d.candidates) lines.push(...teamLines(t, d.team?.id ?? null, d.rep?.id ?? null));
  }
  if (d.strategy) {
    lines.push(`  Rep chosen by ${d.strategy.chosenBy ?? 'no strategy step'}:`);
    for (const s of d.strategy.chain) lines.push(`    ${s.kind}: ${s.result} — ${s.note} (${s.remaining} left)`);
    if (d.strategy.details !== null && d.strategy.details !== undefined) {
      const out: string[] = [];
      flatten(d.strategy.details, '', out, 30);
      for (const l of out) lines.push(`    state ${l}`);
    }
  }
  lines.push(`  Reasons: ${reasons(d.reasons)}`);
  if (d.summary) lines.push(`  Summary: ${d.summary}`);
  return lines;
}

/** Readable report of a story: one block per entry, then the integrity section. */
export function renderLeadStory(story: LeadStory): string {
  const lines: string[] = [];
  const cp = story.checkpoint.checkpoint;
  lines.push(`Audit story of ${story.subject} (log ${story.logId})`);
  lines.push(`${story.entries.length} entries, proven against the checkpoint of ${cp.treeSize} entries signed ${cp.at} by key ${cp.keyId}`);
  lines.push(`  root ${cp.rootHash}`);
  for (const e of story.entries) {
    lines.push('');
    lines.push(`#${e.seq}  ${e.at}  ${HEADINGS[e.kind] ?? e.kind}  (by ${e.actor})`);
    const decision = e.kind === 'decision' ? decisionOf(e.payload) : undefined;
    if (decision) lines.push(...renderDecision(decision));
    else {
      const out: string[] = [];
      flatten(e.payload, '', out, 40);
      for (const l of out) lines.push(`  ${l}`);
    }
    const committed = Object.keys(e.commitments);
    if (committed.length) lines.push(`  personal data committed (values held outside the log): ${committed.sort().join(', ')}`);
    lines.push(
      `  entry hash ${e.entryHash}` +
        `${e.inclusion ? `; inclusion proof ${e.inclusion.auditPath.length} hashes` : '; not yet under a checkpoint'}`,
    );
  }
  lines.push('');
  if (story.integrity.verified)
    lines.push(`Integrity: VERIFIED — checkpoint signature valid; all ${story.entries.length} entries included in the signed tree.`);
  else {
    lines.push(`Integrity: NOT VERIFIED — ${story.integrity.problems.length} problem(s):`);
    for (const p of story.integrity.problems) lines.push(`  ${p.code}${p.seq !== null ? ` at #${p.seq}` : ''}: ${p.detail}`);
  }
  lines.push(`How to verify: ${story.integrity.method}`);
  return lines.join('\n');
}
