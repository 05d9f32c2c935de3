import { z } from 'zod';
import { LOG_LEVELS, type LogLevel } from '../app/observability/logger.ts';
import { parseWebhookAllow } from '../app/webhooks/webhook-target-policy.ts';
import { parseTrustProxy } from '../http/trust-proxy.ts';
import type { TrustProxy } from '../http/build-server.ts';
import { CliFailure } from './cli-io.ts';

/**
 * Every environment variable that configures Remit, read once (`runtimeEnv()`), validated with zod:
 * a bad value stops the command at start with ARGUMENT_INVALID (exit 2) naming the variable, instead
 * of a NaN interval or a silent fallback. Values flow from here into options; nothing else in src/
 * reads process.env (except secrets that the org config names by variable, looked up at use:
 * `keyEnv`/`secretEnv`/`urlEnv`, app/sources/secret-equals.ts). The table in docs/operations.md lists the
 * same variables (checked by test/cli/runtime-config.test.ts).
 */

const wholeMs = (min: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `a whole number of milliseconds${min > 0 ? `, at least ${min}` : ''}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `at least ${min}`));
const optionalText = z
  .string()
  .transform((s) => (s.trim() === '' ? undefined : s))
  .optional();

/** name → schema, default (as the operator would write it) and meaning: the docs table's rows. */
export const RUNTIME_VARIABLES = {
  PORT: {
    schema: z.string().trim().regex(/^\d+$/, 'a port number').transform(Number).pipe(z.number().int().min(0).max(65_535)),
    default: '8080',
  },
  HOST: { schema: z.string().trim().min(1, 'an interface address or host name'), default: '127.0.0.1' },
  DATABASE_URL: { schema: optionalText, default: undefined },
  REMIT_PACKS: { schema: optionalText, default: undefined },
  REMIT_SCREENING_SNAPSHOT: { schema: optionalText, default: undefined },
  REMIT_LOG_LEVEL: { schema: z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(', ')}` }), default: 'info' },
  REMIT_METRICS_TOKEN: {
    schema: optionalText.pipe(z.string().min(16, 'at least 16 characters (it is a bearer secret)').optional()),
    default: undefined,
  },
  REMIT_TRUST_PROXY: { schema: optionalText, default: undefined },
  REMIT_WEBHOOK_ALLOW: { schema: optionalText, default: undefined },
  REMIT_STORE_CHECK_MS: { schema: wholeMs(0), default: '60000' },
  REMIT_AUDIT_KEY: { schema: optionalText, default: undefined },
  REMIT_AUDIT_KEY_FILE: { schema: optionalText, default: undefined },
  REMIT_AUDIT_SEAL_INTERVAL_MS: { schema: wholeMs(1), default: '200' },
  REMIT_ORG_SYNC_MS: { schema: wholeMs(0), default: '0' },
  REMIT_LIST_SYNC_MS: { schema: wholeMs(1), default: '2000' },
  REMIT_SLA_INTERVAL_MS: { schema: wholeMs(1), default: '1000' },
  REMIT_RETENTION_INTERVAL_MS: { schema: wholeMs(1), default: '3600000' },
  REMIT_OUTCOME_MODEL_INTERVAL_MS: { schema: wholeMs(1), default: '60000' },
  REMIT_SMTP_URL: {
    schema: optionalText.pipe(
      z
        .string()
        .regex(/^smtps?:\/\/[^\s]+$/, 'an smtp:// or smtps:// URL')
        .optional(),
    ),
    default: undefined,
  },
  REMIT_MAIL_FROM: { schema: optionalText, default: undefined },
  REMIT_CONSOLE_URL: {
    schema: optionalText.pipe(
      z
        .string()
        .regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL')
        .optional(),
    ),
    default: undefined,
  },
  REMIT_SESSION_TTL_MINUTES: {
    schema: z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/, 'a positive number of minutes')
      .transform(Number)
      .pipe(z.number().positive('a positive number of minutes')),
    default: '480',
  },
} as const;

export type RuntimeVariable = keyof typeof RUNTIME_VARIABLES;

export interface RuntimeEnv {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string | undefined;
  readonly packsDir: string | undefined;
  /** REMIT_SCREENING_SNAPSHOT: the start-up snapshot of the screening lists, a file path or `off` (default: next to the store). */
  readonly screeningSnapshot: string | undefined;
  readonly logLevel: LogLevel;
  readonly metricsToken: string | undefined;
  readonly trustProxy: string | undefined;
  readonly webhookAllow: string | undefined;
  readonly storeCheckMs: number;
  readonly auditKey: string | undefined;
  readonly auditKeyFile: string | undefined;
  readonly auditSealIntervalMs: number;
  readonly orgSyncMs: number;
  /** How often each instance compares its screening lists with the versions in force and runs due scheduled checks. */
  readonly listSyncMs: number;
  readonly slaIntervalMs: number;
  readonly retentionIntervalMs: number;
  readonly outcomeModelIntervalMs: number;
  readonly sessionTtlMs: number;
  /** REMIT_CONSOLE_URL: the console address notifications (e-mail, Slack, Teams) and CRM story links point to (docs/crm.md). */
  readonly consoleUrl: string | undefined;
  /** E-mail notifications (docs/notifications.md): all three set, or the channel is off. */
  readonly mail: { readonly smtpUrl: string; readonly from: string; readonly consoleUrl: string } | undefined;
}

/** Reads and validates the variables of `env`; throws ARGUMENT_INVALID naming every bad one. */
export function parseRuntimeEnv(env: Readonly<Record<string, string | undefined>>): RuntimeEnv {
  const values: Record<string, unknown> = {};
  const details: { path: string; message: string }[] = [];
  for (const [name, spec] of Object.entries(RUNTIME_VARIABLES)) {
    const raw = env[name] === undefined || (env[name] === '' && spec.default !== undefined) ? spec.default : env[name];
    const parsed = (spec.schema as z.ZodType).safeParse(raw);
    if (parsed.success) values[name] = parsed.data;
    else details.push({ path: name, message: `${parsed.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(raw)})` });
  }
  if (details.length > 0)
    throw new CliFailure('ARGUMENT_INVALID', `invalid environment variable(s): ${details.map((d) => d.path).join(', ')}`, details);
  const v = values as { [K in RuntimeVariable]: z.output<(typeof RUNTIME_VARIABLES)[K]['schema']> };
  // SMTP without a sender or a console to link to would send unusable mail: refuse at start rather than send it.
  if (v.REMIT_SMTP_URL && !(v.REMIT_MAIL_FROM && v.REMIT_CONSOLE_URL))
    throw new CliFailure('ARGUMENT_INVALID', 'REMIT_SMTP_URL needs REMIT_MAIL_FROM and REMIT_CONSOLE_URL', [
      { path: 'REMIT_MAIL_FROM', message: 'required with REMIT_SMTP_URL (with REMIT_CONSOLE_URL)' },
    ]);
  return {
    port: v.PORT,
    host: v.HOST,
    databaseUrl: v.DATABASE_URL,
    packsDir: v.REMIT_PACKS,
    screeningSnapshot: v.REMIT_SCREENING_SNAPSHOT,
    logLevel: v.REMIT_LOG_LEVEL,
    metricsToken: v.REMIT_METRICS_TOKEN,
    trustProxy: v.REMIT_TRUST_PROXY,
    webhookAllow: v.REMIT_WEBHOOK_ALLOW,
    storeCheckMs: v.REMIT_STORE_CHECK_MS,
    auditKey: v.REMIT_AUDIT_KEY,
    auditKeyFile: v.REMIT_AUDIT_KEY_FILE,
    auditSealIntervalMs: v.REMIT_AUDIT_SEAL_INTERVAL_MS,
    orgSyncMs: v.REMIT_ORG_SYNC_MS,
    listSyncMs: v.REMIT_LIST_SYNC_MS,
    slaIntervalMs: v.REMIT_SLA_INTERVAL_MS,
    retentionIntervalMs: v.REMIT_RETENTION_INTERVAL_MS,
    outcomeModelIntervalMs: v.REMIT_OUTCOME_MODEL_INTERVAL_MS,
    sessionTtlMs: v.REMIT_SESSION_TTL_MINUTES * 60_000,
    consoleUrl: v.REMIT_CONSOLE_URL,
    mail: v.REMIT_SMTP_URL ? { smtpUrl: v.REMIT_SMTP_URL, from: v.REMIT_MAIL_FROM!, consoleUrl: v.REMIT_CONSOLE_URL! } : undefined,
  };
}

let cached: RuntimeEnv | null = null;

/** The process's configuration from the environment, read and validated on first use. */
export function runtimeEnv(): RuntimeEnv {
  cached ??= parseRuntimeEnv(process.env);
  return cached;
}

/** The flags of `remit serve` that configure the service (the rest select config files and lists). */
export interface ServeFlags {
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly trustProxy?: string | undefined;
  readonly webhookAllow?: string | undefined;
}

export interface ServeSettings {
  readonly port: number;
  readonly host: string;
  readonly trustProxy: TrustProxy;
  readonly webhookAllow: readonly string[];
}

/** A flag wins over its variable; both are validated the same way (a bad flag names the flag). */
export function serveSettings(flags: ServeFlags, env: RuntimeEnv): ServeSettings {
  let port = env.port;
  if (flags.port !== undefined) {
    const parsed = RUNTIME_VARIABLES.PORT.schema.safeParse(flags.port);
    if (!parsed.success)
      throw new CliFailure('ARGUMENT_INVALID', undefined, [
        { path: '--port', message: `a port number 0–65535 (got ${JSON.stringify(flags.port)})` },
      ]);
    port = parsed.data;
  }
  const host = flags.host ?? env.host;
  if (host.trim() === '')
    throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--host', message: 'an interface address or host name' }]);
  return {
    port,
    host,
    trustProxy: parseTrustProxy(flags.trustProxy ?? env.trustProxy),
    webhookAllow: parseWebhookAllow(flags.webhookAllow ?? env.webhookAllow),
  };
}
