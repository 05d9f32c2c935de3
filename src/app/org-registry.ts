import { compileConfigObject, type ConfigProblem } from '../config/load-config.ts';
import type { CompiledOrg } from '../domain/org/compiled-org.ts';
import { canonicalJson } from '../domain/shared/canonical-json.ts';
import { err, ok, type Result } from '../domain/shared/result.ts';
import { toIso } from '../domain/shared/zoned-time.ts';
import type { Clock } from '../domain/shared/clock.ts';
import type { OrgVersionRecord, Store } from '../store/store-port.ts';

/**
 * The org/rule versions a running Remit routes with (SPEC R5). Versions are immutable and kept in
 * the store; `current` is what new leads route against. Publishing records who and when; a version
 * is compiled once and cached by hash, so replays of old decisions are cheap.
 */
export class OrgRegistry {
  private currentOrg: CompiledOrg;
  private readonly byHash = new Map<string, CompiledOrg>();
  private readonly store: Store;
  private readonly clock: Clock;

  constructor(store: Store, clock: Clock, initial: CompiledOrg) {
    this.store = store;
    this.clock = clock;
    this.currentOrg = initial;
    this.byHash.set(initial.hash, initial);
  }

  get current(): CompiledOrg {
    return this.currentOrg;
  }

  /** Stores the initial version if new (at start-up). */
  async init(actor: string): Promise<void> {
    await this.record(this.currentOrg, actor);
  }

  /** Validates, stores and switches to a new version; every config problem is listed. */
  async publish(config: unknown, actor: string): Promise<Result<{ org: CompiledOrg; record: OrgVersionRecord; created: boolean; previousHash: string }, ConfigProblem[]>> {
    const compiled = compileConfigObject(config, 'config');
    if (!compiled.ok) return err(compiled.error);
    const org = compiled.value.org;
    const previousHash = this.currentOrg.hash;
    const { record, created } = await this.record(org, actor);
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

  private record(org: CompiledOrg, actor: string) {
    return this.store.orgVersions.publish({ hash: org.hash, version: org.version, configJson: canonicalJson(org.config), createdAt: toIso(this.clock.now()), createdBy: actor });
  }
}
