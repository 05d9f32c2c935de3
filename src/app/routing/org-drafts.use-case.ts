import { compileConfigObject } from '../../config/load-config.ts';
import type { Principal } from '../../domain/access/principal.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { accessPolicyOf } from '../../domain/org/access-policy.schema.ts';
import {
  classifyDiff,
  diffOrgConfigs,
  diffSummary,
  type DiffClassification,
  type OrgConfigDiff,
} from '../../domain/org/org-config-diff.ts';
import { canonicalJson } from '../../domain/shared/canonical-json.ts';
import { ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { OrgDraftRecord } from '../../store/ports/org-drafts.port.ts';
import type { UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { failure, type AppFailure } from '../shared/app-error.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import { simulateDraft, type SimulationDiff } from './simulate.use-case.ts';

/**
 * Maker-checker for org versions (docs/access.md "Maker-checker for org versions"). Every publication is
 * a draft first: its per-entity diff against the version in force decides whether the maker may publish
 * it alone (a roster edit, when the policy in force allows) or a second, independent person holding an
 * approver role must (org-draft-decision.use-case.ts). The policy read is the one IN FORCE, never the
 * draft's: a draft cannot loosen its own approval.
 */

export type DraftDeps = Pick<ServiceContext, 'store' | 'clock' | 'ids' | 'orgs'>;

/** How many recent leads a draft is simulated over (bounded: creating a draft must stay quick). */
const SIMULATION_LIMIT = 1000;
const SIMULATION_DAYS = 30;
/** Leads shown per simulation bucket in the stored summary (counts are always complete). */
const SAMPLES = 20;

const BUCKETS = ['newRefusals', 'noLongerRefused', 'newHolds', 'noLongerHeld', 'outcomeChanges', 'teamChanges', 'repChanges'] as const;

export interface DraftView {
  readonly id: string;
  readonly status: OrgDraftRecord['status'];
  readonly classification: OrgDraftRecord['classification'];
  /** Why a second person must approve it (empty for a roster edit). */
  readonly sensitive: readonly string[];
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly reason: string | null;
  readonly baseHash: string;
  readonly draftHash: string;
  readonly version: string;
  readonly diff: OrgConfigDiff;
  readonly summary: ReturnType<typeof diffSummary>;
  readonly simulation: unknown;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly decisionReason: string | null;
}

export interface PublishedVersion {
  readonly hash: string;
  readonly version: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly created: boolean;
  readonly previousHash: string;
}

export interface DraftOutcome {
  readonly draft: DraftView;
  /** Set when the draft was published at once (a roster edit, or no change at all). */
  readonly published: PublishedVersion | null;
}

export function draftView(r: OrgDraftRecord): DraftView {
  const diff = JSON.parse(r.diffJson) as OrgConfigDiff;
  return {
    id: r.id,
    status: r.status,
    classification: r.classification,
    sensitive: classifyDiff(diff).sensitive,
    requestedBy: r.requestedBy,
    requestedAt: r.requestedAt,
    reason: r.reason,
    baseHash: r.baseHash,
    draftHash: r.draftHash,
    version: r.version,
    diff,
    summary: diffSummary(diff),
    simulation: JSON.parse(r.simulationJson) as unknown,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt,
    decisionReason: r.decisionReason,
  };
}

/** The stored simulation: every count, and the first leads of each kind of change. */
function simulationSummary(sim: SimulationDiff) {
  const counts = Object.fromEntries(BUCKETS.map((b) => [b, sim[b].length]));
  const samples = Object.fromEntries(BUCKETS.map((b) => [b, sim[b].slice(0, SAMPLES)]));
  return {
    window: sim.window,
    replayed: sim.replayed,
    skipped: sim.skipped,
    outcomes: sim.outcomes,
    unchanged: sim.unchanged,
    counts,
    samples,
    fairness: sim.fairness.slice(0, SAMPLES),
  };
}

/** The audit entry of a new draft (who asked, against what, what it changes). */
export function draftAudit(r: OrgDraftRecord, diff: OrgConfigDiff, action: string, actor: string, at: string, extra: object = {}) {
  return {
    kind: 'org_change' as const,
    subject: `org-draft:${r.id}`,
    actor,
    at,
    payload: {
      action,
      draftId: r.id,
      maker: r.requestedBy,
      classification: r.classification,
      before: r.baseHash,
      after: r.draftHash,
      summary: diffSummary(diff),
      ...extra,
    },
  };
}

interface Prepared {
  readonly org: CompiledOrg;
  readonly base: CompiledOrg;
  readonly diff: OrgConfigDiff;
  readonly classification: DiffClassification;
  readonly needsApproval: boolean;
}

function prepare(deps: DraftDeps, config: unknown): Result<Prepared, AppFailure> {
  const compiled = compileConfigObject(config, 'config');
  if (!compiled.ok)
    return failure(
      'CONFIG_INVALID',
      `${compiled.error.length} problem(s) in the configuration`,
      compiled.error.map((p) => ({ path: p.path, message: p.message })),
    );
  const org = compiled.value.org;
  const base = deps.orgs.current;
  const diff = diffOrgConfigs(base.config, org.config);
  const classification = classifyDiff(diff);
  const policy = accessPolicyOf(base.config).makerChecker;
  const needsApproval = classification.kind === 'sensitive' || (classification.kind === 'roster-only' && !policy.rosterEditsSinglePerson);
  return ok({ org, base, diff, classification, needsApproval });
}

/**
 * A maker asks to publish `config`. Invalid: CONFIG_INVALID with every problem, nothing stored. A change
 * that needs a second person: stored as `pending_approval` (audited), nothing published. Otherwise
 * published at once by the maker, with the draft recorded as `published` in the same transaction.
 */
export async function createOrgDraft(
  deps: DraftDeps,
  principal: Principal,
  input: {
    readonly config: unknown;
    readonly reason?: string | undefined;
    /** Refuse (CONFLICT, `currentVersion`) unless this version is in force: `config` was built on it (a roster change). */
    readonly expectedBaseHash?: string | undefined;
    /** Further fields of the `org_draft.created` audit entry (the roster change that made the draft). */
    readonly audit?: Readonly<Record<string, unknown>> | undefined;
  },
): Promise<Result<DraftOutcome, AppFailure>> {
  await deps.orgs.sync();
  const prepared = prepare(deps, input.config);
  if (!prepared.ok) return prepared;
  const { org, base, diff, classification, needsApproval } = prepared.value;
  if (input.expectedBaseHash !== undefined && input.expectedBaseHash !== base.hash)
    return failure('CONFLICT', `version ${base.hash} was put in force meanwhile`, [], { currentVersion: base.hash });
  const since = toIso(deps.clock.now() - SIMULATION_DAYS * 86_400_000);
  const simulation = simulationSummary(await simulateDraft(deps.store, org, { limit: SIMULATION_LIMIT, since }));
  const at = toIso(deps.clock.now());
  const record: OrgDraftRecord = {
    id: deps.ids.next('odr'),
    status: needsApproval ? 'pending_approval' : 'published',
    classification: classification.kind,
    requestedBy: principal.userId,
    requestedAt: at,
    reason: input.reason ?? null,
    baseHash: base.hash,
    draftHash: org.hash,
    version: org.version,
    configJson: canonicalJson(org.config),
    diffJson: JSON.stringify(diff),
    simulationJson: JSON.stringify(simulation),
    decidedBy: needsApproval ? null : principal.userId,
    decidedAt: needsApproval ? null : at,
    decisionReason: needsApproval ? null : `${classification.kind}: published by the maker alone`,
  };
  const store = async (tx: UnitOfWork) => {
    await tx.orgDrafts.add(record);
    const extra = { sensitive: classification.sensitive, ...input.audit };
    await appendAudit(tx, draftAudit(record, diff, 'org_draft.created', principal.userId, at, extra));
  };
  if (needsApproval) {
    await deps.store.transaction(store);
    return ok({ draft: draftView(record), published: null });
  }
  const published = await deps.orgs.publish(org.config, principal.userId, { alongside: store });
  // The config compiled a moment ago; it cannot fail now, but a Result is a Result.
  if (!published.ok) return failure('CONFIG_INVALID', 'the configuration no longer compiles');
  const { record: v, created, previousHash } = published.value;
  return ok({
    draft: draftView(record),
    published: { hash: v.hash, version: v.version, createdAt: v.createdAt, createdBy: v.createdBy, created, previousHash },
  });
}

export async function getOrgDraft(deps: Pick<DraftDeps, 'store'>, id: string): Promise<Result<DraftView, AppFailure>> {
  const r = await deps.store.orgDrafts.get(id);
  return r ? ok(draftView(r)) : failure('NOT_FOUND', `no org draft ${id}`);
}

export async function listOrgDrafts(
  deps: Pick<DraftDeps, 'store'>,
  filter: { readonly status?: OrgDraftRecord['status'] | undefined; readonly limit: number },
) {
  const rows = await deps.store.orgDrafts.list(filter);
  return rows.map((r) => {
    const { diff: _diff, simulation: _simulation, ...rest } = draftView(r);
    return rest;
  });
}
