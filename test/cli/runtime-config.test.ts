import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliFailure } from '../../src/cli/cli-io.ts';
import { parseRuntimeEnv, RUNTIME_VARIABLES, serveSettings } from '../../src/cli/runtime-config.ts';

/** Issue 12 "Configuration": every variable read once, validated, named when bad, documented in one table. */

const failureOf = (fn: () => unknown): CliFailure => {
  try {
    fn();
  } catch (e) {
    if (e instanceof CliFailure) return e;
    throw e;
  }
  throw new Error('expected a CliFailure');
};

describe('runtime configuration', () => {
  it('defaults when nothing is set (empty counts as unset)', () => {
    const env = parseRuntimeEnv({ REMIT_SLA_INTERVAL_MS: '' });
    expect(env).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'info',
      storeCheckMs: 60_000,
      auditSealIntervalMs: 200,
      slaIntervalMs: 1_000,
    });
    expect(env).toMatchObject({
      retentionIntervalMs: 3_600_000,
      orgSyncMs: 0,
      sessionTtlMs: 8 * 3_600_000,
      databaseUrl: undefined,
      metricsToken: undefined,
    });
  });

  it('reads the values given', () => {
    const env = parseRuntimeEnv({
      PORT: '9090',
      REMIT_STORE_CHECK_MS: '0',
      REMIT_SESSION_TTL_MINUTES: '30',
      REMIT_LOG_LEVEL: 'warn',
      DATABASE_URL: 'sqlite::memory:',
    });
    expect(env).toMatchObject({ port: 9090, storeCheckMs: 0, sessionTtlMs: 1_800_000, logLevel: 'warn', databaseUrl: 'sqlite::memory:' });
  });

  it('a bad value fails with ARGUMENT_INVALID naming every bad variable (no NaN intervals)', () => {
    const e = failureOf(() =>
      parseRuntimeEnv({
        REMIT_STORE_CHECK_MS: 'abc',
        REMIT_SLA_INTERVAL_MS: '0',
        PORT: '70000',
        REMIT_LOG_LEVEL: 'loud',
        REMIT_METRICS_TOKEN: 'short',
      }),
    );
    expect(e.code).toBe('ARGUMENT_INVALID');
    expect(e.details.map((d) => d.path).sort()).toEqual([
      'PORT',
      'REMIT_LOG_LEVEL',
      'REMIT_METRICS_TOKEN',
      'REMIT_SLA_INTERVAL_MS',
      'REMIT_STORE_CHECK_MS',
    ]);
    expect(e.details.find((d) => d.path === 'REMIT_STORE_CHECK_MS')?.message).toContain('"abc"');
    expect(failureOf(() => parseRuntimeEnv({ REMIT_SESSION_TTL_MINUTES: '-5' })).details[0]?.path).toBe('REMIT_SESSION_TTL_MINUTES');
  });

  it('e-mail notifications: off without REMIT_SMTP_URL; with it, a sender and a console URL are required; URLs are checked', () => {
    expect(parseRuntimeEnv({}).mail).toBeUndefined();
    const mail = {
      REMIT_SMTP_URL: 'smtp://mail.example:587',
      REMIT_MAIL_FROM: 'Remit <remit@firm.example>',
      REMIT_CONSOLE_URL: 'https://remit.firm.example',
    };
    expect(parseRuntimeEnv(mail).mail).toEqual({
      smtpUrl: 'smtp://mail.example:587',
      from: 'Remit <remit@firm.example>',
      consoleUrl: 'https://remit.firm.example',
    });
    expect(failureOf(() => parseRuntimeEnv({ ...mail, REMIT_MAIL_FROM: '' })).code).toBe('ARGUMENT_INVALID');
    expect(failureOf(() => parseRuntimeEnv({ ...mail, REMIT_CONSOLE_URL: undefined })).code).toBe('ARGUMENT_INVALID');
    const bad = failureOf(() => parseRuntimeEnv({ ...mail, REMIT_SMTP_URL: 'http://mail.example', REMIT_CONSOLE_URL: 'remit.example' }));
    expect(bad.details.map((d) => d.path)).toEqual(['REMIT_SMTP_URL', 'REMIT_CONSOLE_URL']);
  });

  it('a flag wins over its variable and is validated as strictly, named as the flag', () => {
    const env = parseRuntimeEnv({ PORT: '9090', REMIT_TRUST_PROXY: '1', REMIT_WEBHOOK_ALLOW: 'hooks.internal' });
    expect(serveSettings({}, env)).toEqual({ port: 9090, host: '127.0.0.1', trustProxy: 1, webhookAllow: ['hooks.internal'] });
    expect(serveSettings({ port: '7000', trustProxy: 'false', webhookAllow: '10.0.0.0/8' }, env)).toMatchObject({
      port: 7000,
      trustProxy: false,
      webhookAllow: ['10.0.0.0/8'],
    });
    expect(failureOf(() => serveSettings({ port: 'eighty' }, env)).details[0]?.path).toBe('--port');
  });

  it('remit serve with REMIT_STORE_CHECK_MS=abc exits 2 naming the variable, before opening anything', () => {
    const r = spawnSync(process.execPath, ['bin/remit.mjs', 'serve', '--db', 'sqlite::memory:'], {
      env: { ...process.env, REMIT_STORE_CHECK_MS: 'abc' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('ARGUMENT_INVALID');
    expect(r.stderr).toContain('REMIT_STORE_CHECK_MS');
    expect(r.stdout).not.toContain('listening');
  });

  it('only runtime-config.ts reads process.env in src/ (config-named secrets aside)', () => {
    const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const readers = files.filter((f) => /process\.env\b/.test(readFileSync(join('src', f), 'utf8').replace(/^\s*(\*|\/\/).*$/gm, '')));
    expect(readers.sort()).toEqual([join('app', 'sources', 'secret-equals.ts'), join('cli', 'runtime-config.ts')]);
  });

  it('docs/operations.md lists every variable in its configuration table, and nothing else', () => {
    const doc = readFileSync('docs/operations.md', 'utf8');
    const section = doc.slice(doc.indexOf('## Configuration'), doc.indexOf('\n## ', doc.indexOf('## Configuration') + 5));
    const documented = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(RUNTIME_VARIABLES).sort());
  });
});
