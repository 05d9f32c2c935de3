/** Who an API key (and a console session) acts as (docs/operations.md); each role's permissions live in src/http/auth.ts. */
export type Role = 'admin' | 'ops' | 'compliance' | 'rep' | 'integration';
export const ROLES: readonly Role[] = ['admin', 'ops', 'compliance', 'rep', 'integration'];
