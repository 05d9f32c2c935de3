import { buildLeadStory, canonicalText, type SealedAuditRow } from '../../audit/index.ts';
import { compileConfigObject } from '../../config/load-config.ts';
import { decide } from '../../domain/decision/decide.ts';
import type { Decision } from '../../domain/decision/decision.ts';
import type { Lead } from '../../domain/lead/lead.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { viewOf } from '../../domain/strategies/routing-state.ts';
import type { Store } from '../../store/unit-of-work.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import { inclusionProofs } from './audit-queries.ts';
import type { DecisionAuditPayload } from './decision-audit.ts';
import { storedModel } from '../outcomes/conversion-model-store.ts';

/**
 * Decision replay (docs/audit.md "Lead story and exports"): re-runs a recorded decision with `decide()` against the org
 * version it names (versions are immutable and kept) and the inputs its audit entry recorded (the
 * lead as decided on and the routing state it read), and reports identical / different field by
 * field. It also checks the record's integrity: the entry hashes to its sealed entryHash, is
 * included in the latest signed checkpoint, and the decisions table holds the same document.
 */

export interface FieldDifference {
  readonly path: string;
  readonly recorded: unknown;
  readonly replayed: unknown;
}

export interface ReplayReport {
  readonly decisionId: string;
  readonly leadId: string;
  readonly orgHash: string;
  readonly orgVersion: string;
  readonly decidedAt: string;
  readonly auditSeq: number;
  readonly identical: boolean;
  readonly differences: readonly FieldDifference[];
  readonly recorded: { readonly outcome: string; readonly teamId: string | null; readonly repId: string | null };
  readonly replayed: { readonly outcome: string; readonly teamId: string | null; readonly repId: string | null };
  readonly integrity: {
    readonly verified: boolean;
    readonly problems: readonly { readonly code: string; readonly detail: string }[];
    readonly checkpoint: { readonly treeSize: number; readonly rootHash: string; readonly at: string; readonly keyId: string } | null;
  };
}

/** Every path where two JSON values differ (objects by key, arrays by index). */
export function jsonDifferences(recorded: unknown, replayed: unknown, path = ''): FieldDifference[] {
  if (canonicalText(recorded) === canonicalText(replayed)) return [];
  const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
  if (isObj(recorded) && isObj(replayed) && Array.isArray(recorded) === Array.isArray(replayed)) {
    const keys = [...new Set([...Object.keys(recorded), ...Object.keys(replayed)])].sort();
    return keys.flatMap((k) =>
      jsonDifferences(recorded[k], replayed[k], Array.isArray(recorded) ? `${path}[${k}]` : path ? `${path}.${k}` : k),
    );
  }
  return [{ path: path || '(root)', recorded: recorded ?? null, replayed: replayed ?? null }];
}

/** A stored org version, compiled (for the CLI, which has no OrgRegistry). */
export async function compileStoredOrg(store: Store, hash: string): Promise<CompiledOrg | undefined> {
  const record = await store.orgVersions.getByHash(hash);
  if (!record) return undefined;
  const compiled = compileConfigObject(JSON.parse(record.configJson), `org ${hash}`);
  if (!compiled.ok) throw new Error(`stored org version ${hash} no longer compiles: ${JSON.stringify(compiled.error.slice(0, 3))}`);
  return compiled.value.org;
}

const decisionIdOf = (row: SealedAuditRow): string | undefined => {
  const p = row.payload as { decision?: { decisionId?: unknown } } | null;
  return typeof p?.decision?.decisionId === 'string' ? p.decision.decisionId : undefined;
};

export async function replayDecision(
  deps: { readonly store: Store; readonly orgVersion: (hash: string) => Promise<CompiledOrg | undefined> },
  decisionId: string,
): Promise<Result<ReplayReport, AppFailure>> {
  const { store } = deps;
  const stored = await store.decisions.get(decisionId);
  if (!stored) return failure('NOT_FOUND', `no decision ${decisionId}`);
  const row = (await store.audit.rowsForSubject(stored.leadId)).find((r) => r.kind === 'decision' && decisionIdOf(r) === decisionId);
  if (!row)
    return failure('NOT_FOUND', `decision ${decisionId} is not (yet) in the sealed audit log: it is sealed within a second of being made`);
  const payload = row.payload as unknown as DecisionAuditPayload;
  const recorded = payload.decision;

  // Integrity of the record itself.
  const problems: { code: string; detail: string }[] = [];
  const [checkpoint, keys, logId] = await Promise.all([store.audit.latestCheckpoint(), store.audit.keyRing(), store.audit.logId()]);
  if (!checkpoint) problems.push({ code: 'NO_CHECKPOINT', detail: 'the log has no signed checkpoint yet' });
  else {
    const proofs = await inclusionProofs(store, row.seq < checkpoint.treeSize ? [row.seq] : [], checkpoint.treeSize);
    const story = buildLeadStory({ logId: logId ?? checkpoint.logId, subject: stored.leadId, rows: [row], checkpoint, keys, proofs });
    problems.push(...story.integrity.problems.map((p) => ({ code: p.code, detail: p.detail })));
  }
  if (canonicalText(JSON.parse(stored.documentJson)) !== canonicalText(recorded)) {
    problems.push({
      code: 'DECISION_RECORD_DIFFERS',
      detail: `the decisions table's document for ${decisionId} differs from the audit entry #${row.seq}: ${jsonDifferences(
        recorded,
        JSON.parse(stored.documentJson),
      )
        .map((d) => d.path)
        .slice(0, 10)
        .join(', ')}`,
    });
  }

  const org = await deps.orgVersion(recorded.ruleSet.hash);
  if (!org) return failure('NOT_FOUND', `org version ${recorded.ruleSet.hash} named by decision ${decisionId} is not stored`);
  // The conversion model the decision read is stored by version: replay reads exactly that one.
  const modelVersion = payload.outcomeModelRead;
  const outcomeModel = modelVersion === undefined ? undefined : await storedModel(store, modelVersion);
  if (modelVersion !== undefined && !outcomeModel)
    problems.push({ code: 'OUTCOME_MODEL_MISSING', detail: `conversion model ${modelVersion} the decision read is not stored` });
  const { decision: replayed } = decide({
    org,
    lead: payload.lead as Lead,
    at: Date.parse(recorded.decidedAt),
    state: viewOf(payload.stateRead),
    ...(payload.presenceRead ? { presence: payload.presenceRead } : {}),
    decisionId,
    // A reassignment's exclusion is an input the decision records; without it the replay would pick the excluded rep.
    ...(recorded.exclusion ? { exclusion: recorded.exclusion } : {}),
    ...(outcomeModel ? { outcomeModel } : {}),
  });
  const differences = jsonDifferences(recorded, replayed as Decision);
  const brief = (d: Decision) => ({ outcome: d.outcome, teamId: d.team?.id ?? null, repId: d.rep?.id ?? null });
  return ok({
    decisionId,
    leadId: stored.leadId,
    orgHash: recorded.ruleSet.hash,
    orgVersion: recorded.ruleSet.version,
    decidedAt: recorded.decidedAt,
    auditSeq: row.seq,
    identical: differences.length === 0,
    differences,
    recorded: brief(recorded),
    replayed: brief(replayed),
    integrity: {
      verified: problems.length === 0,
      problems,
      checkpoint: checkpoint
        ? { treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, at: checkpoint.at, keyId: checkpoint.keyId }
        : null,
    },
  });
}
