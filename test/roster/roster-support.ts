import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auth, startTestService, ukLead, type TestService } from '../http/service-harness.ts';
import { dropSchema, newSchemaName, PG_URL } from '../store/store-harness.ts';

/** One database (a fresh SQLite file or PostgreSQL schema) that one or more service instances share. */
export interface SharedDatabase {
  /** What a CLI passes as --db to reach it (PostgreSQL: with ?schema=). */
  readonly url: string;
  start(opts?: { at?: string; idStart?: number; webhookAllow?: string[] }): Promise<TestService>;
  cleanup(): Promise<void>;
}

export function sharedDatabase(dialect: 'sqlite' | 'postgres'): SharedDatabase {
  const services: TestService[] = [];
  const dir = dialect === 'sqlite' ? mkdtempSync(join(tmpdir(), 'remit-roster-')) : undefined;
  const schema = dialect === 'postgres' ? newSchemaName() : undefined;
  const target = dir ? { url: `sqlite:${join(dir, 'remit.sqlite')}` } : { url: PG_URL, schema: schema! };
  return {
    url: schema ? `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}schema=${schema}` : target.url,
    async start(opts = {}) {
      const s = await startTestService({ ...target, repId: 'amelia-hughes', ...opts });
      services.push(s);
      return s;
    },
    async cleanup() {
      for (const s of services.splice(0)) await s.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (schema) await dropSchema(schema);
    },
  };
}

export const patchRep = (s: TestService, repId: string, body: unknown, token = s.tokens.ops, headers: Record<string, string> = {}) =>
  s.app.inject({ method: 'PATCH', url: `/v1/reps/${repId}`, payload: body as object, headers: { ...auth(token), ...headers } });

export const postJson = (s: Pick<TestService, 'app' | 'tokens'>, url: string, body: unknown, token = s.tokens.ops) =>
  s.app.inject({ method: 'POST', url, payload: body as object, headers: auth(token) });

export const getJson = async (s: Pick<TestService, 'app' | 'tokens'>, url: string, token = s.tokens.admin) =>
  (await s.app.inject({ method: 'GET', url, headers: auth(token) })).json();

let n = 0;
/** A UK ISA lead (uk-everyday: amelia-hughes, oliver-bennett, priya-shah …), unique each call. */
export const isaLead = () => ukLead({ person: { firstName: 'Ann', lastName: 'Lee', email: `ann.lee.${++n}.${Date.now()}@example.co.uk` } });

export interface RepVerdictView {
  id: string;
  eligible: boolean;
  reasons: { code: string; detail: string }[];
}

/** The verdicts on one rep in a decision, across candidate teams. */
export function verdictsFor(decision: { candidates: { reps: RepVerdictView[] }[] }, repId: string): RepVerdictView[] {
  return decision.candidates.flatMap((c) => c.reps.filter((r) => r.id === repId));
}
