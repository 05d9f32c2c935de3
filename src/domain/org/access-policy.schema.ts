import { z } from 'zod';
import { PERSON_ROLES } from '../access/roles.ts';

/**
 * Who may do what, and how people sign in (docs/access.md). Org configuration, not server
 * configuration: loosening segregation of duties or sign-in is a compliance decision, so it is
 * versioned, published (under maker-checker) and audited like the rules.
 */

const PersonRoleSchema = z.enum(PERSON_ROLES as ['admin', 'ops', 'compliance', 'rep', 'integration-owner']);

export const SegregationPolicySchema = z.strictObject({
  recentDays: z
    .number()
    .int()
    .min(0)
    .max(3650)
    .default(30)
    .describe(
      'An approver may not have created the requester (or been created by them), nor granted them a role (or been granted one by ' +
        'them), within this many days.',
    ),
});

export const MakerCheckerPolicySchema = z.strictObject({
  approverRoles: z
    .array(z.enum(['admin', 'compliance']))
    .min(1)
    .default(['compliance'])
    .describe('Who may approve a draft org version that changes licences, suitability, screening policy, access policy or rules.'),
  rosterEditsSinglePerson: z
    .boolean()
    .default(true)
    .describe(
      'true: a draft that only changes availability, capacity, weights or similar roster fields publishes without a second person.',
    ),
});

export const PasswordPolicySchema = z.strictObject({
  minLength: z.number().int().min(8).max(128).default(12),
  lockoutAfter: z.number().int().min(1).max(100).default(5).describe('Failed sign-ins in a row that lock the account.'),
  lockoutMinutes: z.number().int().min(1).max(10_080).default(15),
  totpRequiredFor: z
    .array(PersonRoleSchema)
    .default([])
    .describe('People holding any of these roles must sign in with a TOTP code (RFC 6238) as well as their password.'),
});

export const OidcPolicySchema = z.strictObject({
  issuer: z
    .url()
    .describe(
      'The provider’s issuer URL; its /.well-known/openid-configuration is read at first use. https, or http on a loopback address only.',
    ),
  label: z.string().trim().min(1).max(60).optional().describe('What the console’s button names the provider; default “single sign-on”.'),
  clientId: z.string().min(1),
  clientSecretEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional()
    .describe('Environment variable holding the client secret; omitted: a public client (PKCE only).'),
  redirectUri: z.url().optional().describe('Default: <the request origin>/v1/auth/oidc/callback.'),
  scopes: z.array(z.string().min(1)).default(['openid', 'email', 'profile']),
  rolesClaim: z.string().min(1).default('groups').describe('ID-token claim holding the person’s groups or roles (a string or a list).'),
  roleMap: z
    .record(z.string(), z.array(PersonRoleSchema))
    .default({})
    .describe('Group/claim value → Remit roles. A person’s roles are the union over their groups.'),
  createUsers: z.boolean().default(false).describe('Just-in-time: create a person on first sign-in (false: an admin creates them first).'),
  clockToleranceSeconds: z.number().int().min(0).max(300).default(30),
});

export const AccessPolicySchema = z.strictObject({
  segregation: SegregationPolicySchema.default(() => SegregationPolicySchema.parse({})),
  makerChecker: MakerCheckerPolicySchema.default(() => MakerCheckerPolicySchema.parse({})),
  passwords: PasswordPolicySchema.default(() => PasswordPolicySchema.parse({})),
  oidc: OidcPolicySchema.optional().describe('OpenID Connect single sign-on; omitted: local passwords and API keys only.'),
});
export type AccessPolicy = z.infer<typeof AccessPolicySchema>;

const DEFAULT_ACCESS_POLICY: AccessPolicy = AccessPolicySchema.parse({});

/** The access policy in force: the org's, or the defaults when it has no `access` section (so older versions keep their hash). */
export const accessPolicyOf = (config: { readonly access?: AccessPolicy | undefined }): AccessPolicy =>
  config.access ?? DEFAULT_ACCESS_POLICY;
