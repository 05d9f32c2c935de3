import type { ErrorDetail } from '../../domain/errors/error-catalogue.ts';
import type { FormSourceConfig } from '../../domain/org/sources.schema.ts';
import { err, ok, type Result } from '../../domain/shared/result.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { describeFieldErrors, mapSourceFields, sourceFieldNames, type SourceFields } from '../../domain/sources/map-source-fields.ts';
import type { Principal } from '../../domain/access/principal.ts';
import type { AppFailure } from '../shared/app-error.ts';
import { bookingHandOff } from './booking-hand-off.ts';
import { admitAll, type IntakeGate } from '../intake/intake-limiter.ts';
import { ingestLead } from '../intake/ingest-lead.use-case.ts';
import type { ServiceContext } from '../shared/service-context.ts';
import type { FormGuard } from './form-guard.ts';
import { checkFormToken } from './form-token.ts';
import { secretEquals } from './secret-equals.ts';

/** What the prospect's browser is told: never the routing outcome (refusals are compliance's business). */
export type PublicFormStatus = 'accepted' | 'duplicate';

export interface FormAccepted {
  readonly leadId: string;
  readonly status: PublicFormStatus;
  /** true: the honeypot was filled; nothing was stored and leadId is a decoy. */
  readonly trapped: boolean;
  /** The assigned rep's filled booking page (booking-hand-off.ts); null: the form's neutral return page. */
  readonly bookingUrl: string | null;
}

/** A rejected submission; `fields` names the form fields at fault (for the error redirect). */
export interface FormFailure extends AppFailure {
  readonly fields: readonly string[];
}

export interface FormSubmission {
  readonly fields: SourceFields;
  /** The Origin header, if any. */
  readonly origin: string | undefined;
  /** The form key sent as a header, if any (it may also be a field). */
  readonly headerKey: string | undefined;
  /** The signed form token sent as a header (X-Remit-Form-Token), if any (it may also be a field). */
  readonly headerToken?: string | undefined;
  /** When the post arrived (for the signed token's expiry). */
  readonly nowMs?: number;
}

export const findForm = (ctx: Pick<ServiceContext, 'orgs'>, formId: string): FormSourceConfig | undefined =>
  ctx.orgs.current.config.sources.forms.find((f) => f.id === formId);

/** The synthetic caller a form's leads are recorded under (idempotency scope, history actor). */
export const formPrincipal = (form: FormSourceConfig): Principal => ({
  userId: `form:${form.id}`,
  keyId: `form:${form.id}`,
  name: form.name ?? `form ${form.id}`,
  roles: ['integration'],
  repId: null,
});

const reject = (
  code: AppFailure['code'],
  message: string,
  details: readonly ErrorDetail[] = [],
  fields: readonly string[] = [],
): Result<never, FormFailure> => err({ code, message, details, fields });

/** Every configured check must pass: the form key (field or header), the signed token and the Origin allow-list. */
export function checkFormAccess(form: FormSourceConfig, submission: FormSubmission, guard: FormGuard): Result<void, FormFailure> {
  if (form.signedToken !== undefined) {
    const secret = guard.secrets(form.signedToken.secretEnv);
    if (secret === undefined)
      return reject('UNAVAILABLE', `form ${form.id} is not configured: environment variable ${form.signedToken.secretEnv} is not set`);
    const token = submission.headerToken ?? submission.fields.get(form.signedToken.field)?.[0];
    const check = checkFormToken(secret, form.id, token, submission.nowMs ?? Date.now(), form.signedToken.ttlSeconds);
    if (check !== 'valid') return reject('FORBIDDEN', `form ${form.id}: form token ${check.replace(/_/g, ' ')}`);
  }
  if (form.keyEnv !== undefined) {
    const expected = guard.secrets(form.keyEnv);
    if (expected === undefined)
      return reject('UNAVAILABLE', `form ${form.id} is not configured: environment variable ${form.keyEnv} is not set`);
    const given = submission.headerKey ?? submission.fields.get(form.keyField)?.[0];
    if (given === undefined || !secretEquals(given, expected)) return reject('FORBIDDEN', `form ${form.id}: missing or wrong form key`);
  }
  if (form.allowedOrigins.length > 0) {
    const origin = submission.origin?.trim().toLowerCase().replace(/\/$/, '');
    if (!origin || !form.allowedOrigins.some((o) => o.toLowerCase() === origin))
      return reject('FORBIDDEN', `form ${form.id}: origin ${submission.origin ?? '(none)'} is not allowed`);
  }
  return ok(undefined);
}

/**
 * A web form post (docs/sources.md, Web-to-Lead style): access check, honeypot, mapping through the form's
 * configured field map, then the one intake pipeline (ingestLead) under the form's principal.
 * A filled honeypot is answered like a success with a decoy id and stores nothing.
 */
export async function submitForm(
  ctx: ServiceContext,
  guard: FormGuard,
  form: FormSourceConfig,
  submission: FormSubmission,
  admit: IntakeGate = admitAll,
): Promise<Result<FormAccepted, FormFailure>> {
  guard.count(form.id, 'received');
  const access = checkFormAccess(form, submission, guard);
  if (!access.ok) {
    guard.count(form.id, 'forbidden');
    return access;
  }
  if (form.honeypotField !== null && (submission.fields.get(form.honeypotField) ?? []).some((v) => v.trim() !== '')) {
    guard.count(form.id, 'honeypot');
    return ok({ leadId: ctx.ids.next('lead'), status: 'accepted', trapped: true, bookingUrl: null });
  }
  // The source's own limits count only posts that passed its checks: forged posts cannot use up a real form's allowance.
  const admission = admit(1);
  if (admission.kind === 'refused') {
    guard.count(form.id, 'rateLimited');
    return err({ ...admission.failure, fields: [] });
  }
  const receivedAt = toIso(ctx.clock.now());
  const { payload, fieldOf } = mapSourceFields(form, submission.fields, receivedAt);
  const principal = formPrincipal(form);
  const result = await ingestLead(ctx, principal, payload).finally(admission.release);
  if (!result.ok) {
    guard.count(form.id, 'invalid');
    const f = result.error;
    return reject(f.code, f.message, describeFieldErrors(f.details, fieldOf, 'form field'), sourceFieldNames(f.details, fieldOf));
  }
  const body = result.value.body;
  guard.count(form.id, body.status === 'DUPLICATE' ? 'duplicates' : 'stored');
  const bookingUrl = await bookingHandOff(ctx, form, principal.userId, body.status === 'ASSIGNED' ? body.decision : null);
  return ok({ leadId: body.leadId, status: body.status === 'DUPLICATE' ? 'duplicate' : 'accepted', trapped: false, bookingUrl });
}
