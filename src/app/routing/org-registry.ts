import { compileConfigObject, type ConfigProblem } from '../../config/load-config.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { canonicalJson } from '../../domain/shared/canonical-json.ts';
import { err, ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { Clock, IdSource } from '../../domain/shared/clock.ts';
import type { OrgVersionRecord } from '../../store/ports/org-versions.port.ts';
import type { Store, UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit, type AuditRecord } from '../audit/audit-trail.ts';
import { orgPublishedAudit } from '../audit/org-audit.ts';
import { randomIds } from '../shared/random-ids.ts';

/**
 * The org/rule versions a running Remit routes with (docs/routing.md). Versions are immutable and kept in
 * the store; the store's activation history says which one is in force, so every instance routes
 * with the same version (sync() picks up one published elsewhere) and a restart keeps it. Publishing records who and when; a version is
 * compiled once and cached by hash,
 * so replays of old decisions are cheap.
 */
export class OrgRegistry {
  private currentOrg: CompiledOrg;
  private readonly byHash = new Map<string, CompiledOrg>();
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly ids: IdSource;
  private lastSync = Number.NEGATIVE_INFINITY;
  /**
   * How stale `current` may be relative to the store (another instance's publication). Default 0:
   * every request checks (one indexed read), so once a publication returns, every instance routes
   * with it. REMIT_ORG_SYNC_MS trades that for fewer reads.
   */
  syncIntervalMs = 0;

  constructor(store: Store, clock: Clock, initial: CompiledOrg) {
    this.store = store;
    this.clock = clock;
    this.ids = randomIds(() => clock.now());
    this.currentOrg = initial;
    this.byHash.set(initial.hash, initial);
  }

  get current(): CompiledOrg {
    return this.currentOrg;
  }

  /**
   * At start-up. A config this store has never seen (a new deployment) is published and put in
   * force. A config it already knows never overrides the version in force: restarting an instance
   * with its usual --config must not undo a version published since (through the API, on any instance).
   */
  async init(actor: string): Promise<void> {
    const inForce = await this.store.orgVersions.current();
    const known = await this.store.orgVersions.getByHash(this.currentOrg.hash);
    if (inForce && known && inForce.hash !== this.currentOrg.hash) {
      const stored = await this.get(inForce.hash);
      if (!stored) throw new Error(`org version ${inForce.hash} is in force but not stored`);
      this.currentOrg = stored;
    } else {
      await this.record(this.currentOrg, actor, inForce?.hash ?? null);
    }
    this.lastSync = this.clock.now();
  }

  /**
   * Switches to the version in force in the store if another instance changed it (at most every syncIntervalMs).
   * `reads`: where to read it (an API request's `store.requestReads()`); the store by default.
   */
  async sync(force = false, reads: Pick<UnitOfWork, 'orgVersions'> = this.store): Promise<void> {
    const now = this.clock.now();
    if (!force && this.syncIntervalMs > 0 && now - this.lastSync < this.syncIntervalMs) return;
    this.lastSync = now;
    const inForce = await reads.orgVersions.current();
    if (!inForce || inForce.hash === this.currentOrg.hash) return;
    const org = await this.get(inForce.hash);
    if (org) this.currentOrg = org;
  }

  /**
   * Validates, stores and switches to a new version; every config problem is listed. With
   * `expectedCurrent` it is a compare-and-set: the version is put in force only if that hash is still the
   * one in force when the transaction runs (checked under the activation lock, so two instances cannot
   * both win), else `conflict` names the version in force now.
   */
  async publish(config: unknown, actor: string, options: PublishOptions = {}): Promise<Result<PublishedVersion, PublishRefusal>> {
    const compiled = compileConfigObject(config, 'config', { publicationYear: new Date(this.clock.now()).getUTCFullYear() });
    if (!compiled.ok) return err({ kind: 'invalid', problems: compiled.error });
    const org = compiled.value.org;
    const outcome = await this.record(org, actor, this.currentOrg.hash, options);
    if (outcome.kind === 'conflict') {
      await this.sync(true);
      return err({ kind: 'conflict', current: outcome.current });
    }
    this.byHash.set(org.hash, org);
    this.currentOrg = org;
    return ok({ org, record: outcome.record, created: outcome.created, previousHash: outcome.previousHash });
  }

  /** A stored version, compiled (for replay and review of old decisions). */
  async get(hash: string): Promise<CompiledOrg | undefined> {
    const cached = this.byHash.get(hash);
    if (cached) return cached;
    const record = await this.store.orgVersions.getByHash(hash);
    if (!record) return undefined;
    const compiled = compileConfigObject(JSON.parse(record.configJson), `org ${hash}`);
    if (!compiled.ok) throw new Error(`stored org version ${hash} no longer compiles: ${JSON.stringify(compiled.error.slice(0, 3))}`);
    this.byHash.set(hash, compiled.value.org);
    return compiled.value.org;
  }

  private async queueOrgCheck(tx: UnitOfWork, v: { hash: string; previousHash: string; actor: string; at: string }): Promise<void> {
    await tx.reassignmentJobs.enqueue({
      id: this.ids.next('rjc'),
      kind: 'org-check',
      trigger: 'publication',
      repId: null,
      leadIds: null,
      reason: `org version ${v.hash.slice(0, 19)} put in force`,
      requestedBy: v.actor,
      orgHash: v.hash,
      previousHash: v.previousHash,
      createdAt: v.at,
    });
  }

  /**
   * Stores the version, puts it in force and writes its audit entry, in one transaction (docs/operations.md: who, when, before/after
   * hashes). `assumedPrevious` is what this instance believes is in force; a compare-and-set reads the store's instead.
   */
  private record(org: CompiledOrg, actor: string, assumedPrevious: string | null, options: PublishOptions = {}) {
    const at = toIso(this.clock.now());
    return this.store.transaction(async (tx): Promise<RecordOutcome> => {
      // The version this one replaces is the one in force in the store (another instance may have published since this
      // one last synced), read under the activation lock so two publishers cannot both replace the same one.
      await tx.orgVersions.lockActivations();
      const inForce = (await tx.orgVersions.current())?.hash ?? null;
      if (options.expectedCurrent !== undefined && inForce !== options.expectedCurrent) return { kind: 'conflict', current: inForce ?? '' };
      const previousHash = inForce ?? assumedPrevious;
      const published = await tx.orgVersions.publish({
        hash: org.hash,
        version: org.version,
        configJson: canonicalJson(org.config),
        createdAt: at,
        createdBy: actor,
      });
      const activated = previousHash !== org.hash;
      if (activated) await tx.orgVersions.activate({ hash: org.hash, activatedAt: at, activatedBy: actor, reason: options.reason ?? null });
      if (published.created) await appendAudit(tx, orgPublishedAudit(published.record, previousHash, options.reason));
      else if (previousHash !== null && activated) {
        // A stored version made current again: a change of what routes leads, recorded like a publication.
        await appendAudit(tx, {
          ...orgPublishedAudit({ ...published.record, createdAt: at, createdBy: actor }, previousHash),
          payload: {
            action: 'org_version.republished',
            version: org.version,
            before: previousHash,
            after: org.hash,
            reason: options.reason,
          },
        });
      }
      const outcome = { kind: 'published' as const, ...published, previousHash: previousHash ?? org.hash, activated };
      for (const entry of options.audit?.({ ...outcome, org }) ?? []) await appendAudit(tx, entry);
      if (options.alongside) await options.alongside(tx, { hash: org.hash, previousHash });
      // docs/operations.md "Automatic reassignment": every change of version in force is checked, in the background, for
      // open leads whose rep it made unlawful (or paused / left); the job commits with the publication, so none is lost.
      if (activated && previousHash !== null) await this.queueOrgCheck(tx, { hash: org.hash, previousHash, actor, at });
      return outcome;
    });
  }
}

export type PublishHook = (tx: UnitOfWork, published: { readonly hash: string; readonly previousHash: string | null }) => Promise<void>;

/** What a publication may add: a compare-and-set base, the reason, and audit entries of the change that made it. */
export interface PublishOptions {
  /** Put the version in force only if this hash is in force when the transaction runs. */
  readonly expectedCurrent?: string;
  /** Why (kept on the activation and in the audit entry). */
  readonly reason?: string;
  /** Runs in the publication's transaction (the maker-checker draft's decision): if it throws, nothing is published. */
  readonly alongside?: PublishHook;
  /** Further audit entries, written in the same transaction as the publication. */
  readonly audit?: (outcome: Omit<PublishedRecord, 'kind'> & { readonly org: CompiledOrg }) => readonly AuditRecord[];
}

export interface PublishedVersion {
  readonly org: CompiledOrg;
  readonly record: OrgVersionRecord;
  /** false: this content was published before (it is put back in force). */
  readonly created: boolean;
  readonly previousHash: string;
}

/** Why a publication did not happen: the config is invalid, or another change was put in force first. */
export type PublishRefusal =
  { readonly kind: 'invalid'; readonly problems: readonly ConfigProblem[] } | { readonly kind: 'conflict'; readonly current: string };

interface PublishedRecord {
  readonly kind: 'published';
  readonly record: OrgVersionRecord;
  readonly created: boolean;
  readonly previousHash: string;
  /** false: the content was already the version in force (nothing changed). */
  readonly activated: boolean;
}

type RecordOutcome = PublishedRecord | { readonly kind: 'conflict'; readonly current: string };
