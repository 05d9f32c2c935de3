import { compileConfigObject, type ConfigProblem } from '../../config/load-config.ts';
import type { CompiledOrg } from '../../domain/org/compiled-org.ts';
import { canonicalJson } from '../../domain/shared/canonical-json.ts';
import { err, ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import type { Clock } from '../../domain/shared/clock.ts';
import type { OrgVersionRecord } from '../../store/ports/org-versions.port.ts';
import type { Store, UnitOfWork } from '../../store/unit-of-work.ts';
import { appendAudit } from '../audit/audit-trail.ts';
import { orgPublishedAudit } from '../audit/org-audit.ts';

/** Work done in the publication's transaction, after the version is stored and put in force. */
export type PublishHook = (tx: UnitOfWork, published: { readonly hash: string; readonly previousHash: string | null }) => Promise<void>;

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

  /** Switches to the version in force in the store if another instance changed it (at most every syncIntervalMs). */
  async sync(): Promise<void> {
    const now = this.clock.now();
    if (this.syncIntervalMs > 0 && now - this.lastSync < this.syncIntervalMs) return;
    this.lastSync = now;
    const inForce = await this.store.orgVersions.current();
    if (!inForce || inForce.hash === this.currentOrg.hash) return;
    const org = await this.get(inForce.hash);
    if (org) this.currentOrg = org;
  }

  /**
   * Validates, stores and switches to a new version; every config problem is listed. `alongside` runs in
   * the same transaction (the maker-checker draft's decision and audit entry): if it throws, nothing is
   * published.
   */
  async publish(
    config: unknown,
    actor: string,
    alongside?: PublishHook,
  ): Promise<Result<{ org: CompiledOrg; record: OrgVersionRecord; created: boolean; previousHash: string }, ConfigProblem[]>> {
    const compiled = compileConfigObject(config, 'config');
    if (!compiled.ok) return err(compiled.error);
    const org = compiled.value.org;
    const { published, previousHash: replaced } = await this.record(org, actor, this.currentOrg.hash, alongside);
    const { record, created } = published;
    const previousHash = replaced ?? this.currentOrg.hash;
    this.byHash.set(org.hash, org);
    this.currentOrg = org;
    return ok({ org, record, created, previousHash });
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

  /**
   * Stores the version, puts it in force and writes its audit entry, in one transaction (docs/operations.md: who, when, before/after
   * hashes).
   */
  private record(org: CompiledOrg, actor: string, previousHash: string | null, alongside?: PublishHook) {
    const at = toIso(this.clock.now());
    return this.store.transaction(async (tx) => {
      // The version this one replaces is the one in force in the store (another instance may have published since
      // this one last synced), read under the publication lock so two publishers cannot both replace the same one.
      await tx.orgVersions.lockActivations();
      previousHash = (await tx.orgVersions.current())?.hash ?? previousHash;
      const published = await tx.orgVersions.publish({
        hash: org.hash,
        version: org.version,
        configJson: canonicalJson(org.config),
        createdAt: at,
        createdBy: actor,
      });
      if (previousHash !== org.hash) await tx.orgVersions.activate({ hash: org.hash, activatedAt: at, activatedBy: actor });
      if (published.created) await appendAudit(tx, orgPublishedAudit(published.record, previousHash));
      else if (previousHash !== null && previousHash !== org.hash) {
        // A stored version made current again: a change of what routes leads, recorded like a publication.
        await appendAudit(tx, {
          ...orgPublishedAudit({ ...published.record, createdAt: at, createdBy: actor }, previousHash),
          payload: { action: 'org_version.republished', version: org.version, before: previousHash, after: org.hash },
        });
      }
      if (alongside) await alongside(tx, { hash: org.hash, previousHash });
      return { published, previousHash };
    });
  }
}
