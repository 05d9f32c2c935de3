/**
 * Storage port for draft org versions under maker-checker (docs/access.md; migration 0010). A draft is
 * written once when the maker asks to publish and moves once, from `pending_approval` to `published` or
 * `rejected`; JSON documents are stored as the exact text given. Instants are ISO-8601 UTC strings.
 */

export type OrgDraftStatus = 'pending_approval' | 'published' | 'rejected';
export type OrgDraftClass = 'unchanged' | 'roster-only' | 'sensitive';

export interface OrgDraftRecord {
  readonly id: string;
  readonly status: OrgDraftStatus;
  readonly classification: OrgDraftClass;
  /** The person who asked to publish it (the maker). */
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly reason: string | null;
  /** The version in force when the draft was made: approval is refused once another version is in force. */
  readonly baseHash: string;
  readonly draftHash: string;
  /** The draft's version label. */
  readonly version: string;
  readonly configJson: string;
  /** The per-entity diff against the base (domain/org/org-config-diff.ts). */
  readonly diffJson: string;
  /** The simulation summary over recent leads. */
  readonly simulationJson: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly decisionReason: string | null;
}

export interface OrgDraftDecision {
  readonly status: Exclude<OrgDraftStatus, 'pending_approval'>;
  readonly by: string;
  readonly at: string;
  readonly reason: string | null;
}

export interface OrgDraftRepository {
  add(record: OrgDraftRecord): Promise<void>;
  get(id: string): Promise<OrgDraftRecord | undefined>;
  /** Newest first; only drafts in `status` when given. */
  list(filter: { readonly status?: OrgDraftStatus | undefined; readonly limit: number }): Promise<readonly OrgDraftRecord[]>;
  /** Moves a pending draft to its decision; false when it was no longer pending (a concurrent decision won). */
  decide(id: string, decision: OrgDraftDecision): Promise<boolean>;
}
