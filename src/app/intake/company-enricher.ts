import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import {
  fillMissing,
  type EnrichmentAttempt,
  type EnrichmentRecord,
  type EnrichmentSourceKind,
} from '../../domain/intake/company-enrichment.ts';
import { normaliseCompanyFacts, websiteDomain } from '../../domain/intake/normalise-lead.ts';
import type { LeadCompany } from '../../domain/lead/lead.schema.ts';
import type { EnrichmentSchema, HttpEnrichmentSchema } from '../../domain/org/company-policy.schema.ts';
import type { z } from 'zod';
import type { Logger } from '../observability/logger.ts';
import type { RemitMetrics } from '../observability/remit-metrics.ts';
import { environmentSecrets, type SecretLookup } from '../sources/secret-equals.ts';

type EnrichmentConfig = z.infer<typeof EnrichmentSchema>;
type HttpConfig = z.infer<typeof HttpEnrichmentSchema>;

/** What a source knows about a domain (raw facts, normalised by normaliseCompanyFacts), or nothing. */
type Facts = Readonly<Record<string, unknown>> | null;

const DEFAULT_TIMEOUT_MS = 2000;
const DEFAULT_TTL_S = 86_400;
/** Bounds the per-domain cache; the oldest entry goes first. */
const MAX_CACHE_ENTRIES = 10_000;
/** An enrichment response larger than this is refused (a lookup answers one company). */
const MAX_RESPONSE_BYTES = 256 * 1024;

class EnrichmentFailure extends Error {
  override readonly name = 'EnrichmentFailure';
  readonly code: Extract<EnrichmentAttempt, { outcome: 'failed' }>['code'];
  constructor(code: EnrichmentFailure['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** The value at a dotted path of a JSON document ("company.metrics.employees"). */
function atPath(doc: unknown, path: string): unknown {
  let node = doc;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

export interface CompanyEnricherDeps {
  readonly now: () => number;
  readonly log: Logger;
  readonly metrics: RemitMetrics;
  readonly secrets?: SecretLookup;
}

/**
 * Company enrichment before routing (docs/intake.md "Enrichment"): by the lead's company domain, first from the
 * configured lookup file, then from the HTTP endpoint for what is still missing. Answers are cached per
 * domain (and endpoint) for the configured TTL; failures are not cached, so the next lead asks again. A
 * failure never blocks routing: it is recorded with the lead, logged and counted
 * (remit_enrichment_failures_total), and the lead routes on what it has.
 */
export class CompanyEnricher {
  private readonly deps: CompanyEnricherDeps;
  private readonly cache = new Map<string, { readonly until: number; readonly facts: Facts }>();
  private readonly files = new Map<string, Promise<ReadonlyMap<string, Facts>>>();

  constructor(deps: CompanyEnricherDeps) {
    this.deps = deps;
  }

  async enrich(
    config: EnrichmentConfig | undefined,
    company: LeadCompany | undefined,
  ): Promise<{ readonly company: LeadCompany | undefined; readonly record: EnrichmentRecord | null }> {
    if (config === undefined || (config.file === undefined && config.http === undefined)) return { company, record: null };
    const domain = company?.domain;
    if (domain === undefined) return { company, record: { status: 'skipped', reason: 'no_domain' } };
    const attempts: EnrichmentAttempt[] = [];
    let current = company;
    const sources: [EnrichmentSourceKind, (() => Promise<{ facts: Facts; cacheHit: boolean }>) | undefined][] = [
      ['file', config.file ? () => this.fromFile(config.file!.path, domain) : undefined],
      ['http', config.http ? () => this.fromHttp(config.http!, domain) : undefined],
    ];
    for (const [source, ask] of sources) {
      if (ask === undefined) continue;
      if (source === 'http' && !missingAny(current, Object.keys(config.http!.map))) continue;
      try {
        const { facts, cacheHit } = await ask();
        if (facts === null) {
          attempts.push({ source, outcome: 'not_found', cacheHit });
          continue;
        }
        const { company: found, rejected } = normaliseCompanyFacts(facts);
        const merged = fillMissing(current, found);
        current = merged.company;
        const rejectedNotes = rejected.map((r) => `${r.path.slice(1)}: ${r.message}`);
        attempts.push(
          merged.filled.length > 0
            ? {
                source,
                outcome: 'filled',
                fields: merged.filled,
                cacheHit,
                ...(rejectedNotes.length > 0 ? { rejected: rejectedNotes } : {}),
              }
            : { source, outcome: 'nothing_new', cacheHit },
        );
      } catch (e) {
        const failure =
          e instanceof EnrichmentFailure ? e : new EnrichmentFailure('ENRICHMENT_BAD_RESPONSE', e instanceof Error ? e.message : String(e));
        attempts.push({ source, outcome: 'failed', code: failure.code, detail: failure.message });
        this.deps.metrics.enrichmentFailures.inc({ source });
        this.deps.log.warn(
          { source, code: failure.code, detail: failure.message },
          'company enrichment failed; routing on the data at hand',
        );
      }
    }
    return { company: current, record: { status: 'done', attempts } };
  }

  private cached(key: string): Facts | undefined {
    const hit = this.cache.get(key);
    if (hit === undefined) return undefined;
    if (hit.until > this.deps.now()) return hit.facts;
    this.cache.delete(key);
    return undefined;
  }

  private remember(key: string, facts: Facts, ttlSeconds: number): void {
    if (ttlSeconds <= 0) return;
    if (this.cache.size >= MAX_CACHE_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { until: this.deps.now() + ttlSeconds * 1000, facts });
  }

  private async fromHttp(config: HttpConfig, domain: string): Promise<{ facts: Facts; cacheHit: boolean }> {
    const key = `http ${config.method ?? 'GET'} ${config.url} ${domain}`;
    const hit = this.cached(key);
    if (hit !== undefined) return { facts: hit, cacheHit: true };
    const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const token = config.tokenEnv !== undefined ? (this.deps.secrets ?? environmentSecrets)(config.tokenEnv) : undefined;
    const post = config.method === 'POST';
    const url = post ? config.url : config.url.replaceAll('{domain}', encodeURIComponent(domain));
    let response: Response;
    try {
      response = await fetch(url, {
        method: post ? 'POST' : 'GET',
        headers: {
          accept: 'application/json',
          ...(post ? { 'content-type': 'application/json' } : {}),
          ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(post ? { body: JSON.stringify({ domain }) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      throw timedOut
        ? new EnrichmentFailure('ENRICHMENT_TIMEOUT', `no answer within ${timeoutMs} ms`)
        : new EnrichmentFailure('ENRICHMENT_HTTP_ERROR', `request failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (response.status === 404) {
      await response.body?.cancel();
      this.remember(key, null, config.cacheTtlSeconds ?? DEFAULT_TTL_S);
      return { facts: null, cacheHit: false };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new EnrichmentFailure('ENRICHMENT_HTTP_ERROR', `HTTP ${response.status}`);
    }
    let doc: unknown;
    try {
      const text = await readBounded(response, timeoutMs);
      doc = JSON.parse(text);
    } catch (e) {
      if (e instanceof EnrichmentFailure) throw e;
      throw new EnrichmentFailure('ENRICHMENT_BAD_RESPONSE', `the answer is not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    const facts = Object.fromEntries(Object.entries(config.map).map(([field, path]) => [field, atPath(doc, path)]));
    this.remember(key, facts, config.cacheTtlSeconds ?? DEFAULT_TTL_S);
    return { facts, cacheHit: false };
  }

  private async fromFile(path: string, domain: string): Promise<{ facts: Facts; cacheHit: boolean }> {
    let table = this.files.get(path);
    if (table === undefined) {
      table = loadLookupFile(path);
      this.files.set(path, table);
      // A file that could not be read is tried again on the next lead (it may be fixed in place).
      table.catch(() => this.files.delete(path));
    }
    const rows = await table;
    return { facts: rows.get(domain) ?? null, cacheHit: true };
  }
}

/** naics and sic fill the one industry field. */
const companyKey = (field: string): string => (field === 'naics' || field === 'sic' ? 'industry' : field);
const missingAny = (company: LeadCompany | undefined, fields: readonly string[]): boolean =>
  fields.some((f) => (company as Record<string, unknown> | undefined)?.[companyKey(f)] === undefined);

async function readBounded(response: Response, timeoutMs: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_RESPONSE_BYTES)
    throw new EnrichmentFailure('ENRICHMENT_BAD_RESPONSE', `answer larger than ${MAX_RESPONSE_BYTES} bytes`);
  const text = await Promise.race([
    response.text(),
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new EnrichmentFailure('ENRICHMENT_TIMEOUT', `answer not complete within ${timeoutMs} ms`)),
        timeoutMs,
      ).unref(),
    ),
  ]);
  if (text.length > MAX_RESPONSE_BYTES)
    throw new EnrichmentFailure('ENRICHMENT_BAD_RESPONSE', `answer larger than ${MAX_RESPONSE_BYTES} bytes`);
  return text;
}

/** domain → facts from a .csv (a `domain` column) or .json (an array of objects with `domain`) lookup file. */
async function loadLookupFile(path: string): Promise<ReadonlyMap<string, Facts>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new EnrichmentFailure('ENRICHMENT_FILE_UNREADABLE', `${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let rows: unknown;
  try {
    rows = path.toLowerCase().endsWith('.json')
      ? JSON.parse(text)
      : parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    throw new EnrichmentFailure('ENRICHMENT_FILE_UNREADABLE', `${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!Array.isArray(rows)) throw new EnrichmentFailure('ENRICHMENT_FILE_UNREADABLE', `${path}: expected a list of companies`);
  const table = new Map<string, Facts>();
  for (const row of rows as unknown[]) {
    if (row === null || typeof row !== 'object') continue;
    const raw = (row as Record<string, unknown>).domain;
    const domain = typeof raw === 'string' ? websiteDomain(raw) : undefined;
    // The first row for a domain wins, as in account imports.
    if (domain !== undefined && !table.has(domain)) table.set(domain, row as Record<string, unknown>);
  }
  return table;
}
