import type { Role } from './roles.ts';

/**
 * Who is acting (docs/access.md): always a person, resolved on every request from an API key or a
 * console session, so suspending the person or revoking the key takes effect at once. Every action is
 * attributed to `userId`; `keyId` says which key (if any) carried the request.
 */
export interface Principal {
  readonly userId: string;
  readonly name: string;
  /** Acting roles: a session's are its person's; a key's is its one role. */
  readonly roles: readonly Role[];
  /** For a person with the rep role: the rep in the org they are. */
  readonly repId: string | null;
  readonly keyId: string | null;
}

/** Whether the principal sees every lead; a rep-only principal sees only the leads assigned to them. */
export const seesAllLeads = (principal: Principal): boolean =>
  principal.roles.some((r) => r === 'admin' || r === 'ops' || r === 'compliance');
