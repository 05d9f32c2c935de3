import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';

/**
 * A local stand-in for HubSpot or Salesforce that checks every request against the vendor's OpenAPI description
 * (subsets under test/fixtures/crm, see the README there): method and path template, path parameters, Content-Type,
 * the Bearer token (one this server issued and has not expired), and the body with ajv. A request that does not
 * conform is answered 400 and recorded in `invalid`, so a wrong request fails the test. It can be told to answer the
 * next update requests with 401 (token expired), 429 with Retry-After, or a 5xx, and its own answers are checked
 * against the same description.
 */

export type CrmVendor = 'hubspot' | 'salesforce';

const SPECS: Record<CrmVendor, readonly string[]> = {
  hubspot: ['hubspot-crm-contacts-v3.json', 'hubspot-crm-deals-v3.json', 'hubspot-oauth-v1.json'],
  salesforce: ['salesforce-sobjects-lead.json'],
};

interface Operation {
  readonly specId: string;
  readonly method: string;
  readonly template: string;
  readonly matcher: RegExp;
  readonly paramNames: readonly string[];
  readonly op: {
    readonly parameters?: readonly { readonly name: string; readonly in: string; readonly required?: boolean }[];
    readonly requestBody?: { readonly content: Record<string, unknown> };
    readonly security?: readonly unknown[];
  };
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly operation: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

export interface ForcedAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export interface CrmApiServer {
  readonly url: string;
  /** Every request that conformed to the description, in order (token requests included). */
  readonly received: ReceivedRequest[];
  /** Requests that did not conform, with the reasons (a test expects this to stay empty). */
  readonly invalid: { readonly method: string; readonly path: string; readonly errors: readonly string[] }[];
  /** Answers for the next update (non-token) requests, used in order before the normal answer. */
  readonly forced: ForcedAnswer[];
  /** Makes every token issued so far expired: the next update with one is answered 401. */
  expireTokens(): void;
  updates(): ReceivedRequest[];
  close(): Promise<void>;
}

const templateMatcher = (template: string) => {
  const names: string[] = [];
  const source = template.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '{' || c === '}' ? c : `\\${c}`));
  const pattern = source.replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), '([^/]+)'));
  return { matcher: new RegExp(`^${pattern}$`), names };
};

function loadOperations(vendor: CrmVendor, ajv: Ajv): Operation[] {
  const ops: Operation[] = [];
  for (const file of SPECS[vendor]) {
    const spec = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'crm', file), 'utf8')) as {
      paths: Record<string, Record<string, Operation['op']>>;
    };
    ajv.addSchema(spec, file);
    for (const [template, methods] of Object.entries(spec.paths))
      for (const [method, op] of Object.entries(methods)) {
        const { matcher, names } = templateMatcher(template);
        ops.push({ specId: file, method: method.toUpperCase(), template, matcher, paramNames: names, op });
      }
  }
  return ops;
}

const CORRELATION = '0b7d8a52-1c1b-4a8e-9d7e-5f1a2b3c4d5e';

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const describeErrors = (v: ValidateFunction): string[] => (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);

export async function startCrmApiServer(
  vendor: CrmVendor,
  credentials: { readonly clientId: string; readonly clientSecret: string; readonly refreshToken?: string; readonly expiresIn?: number },
): Promise<CrmApiServer> {
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS: its function is the default export's `default` under Node's ESM interop.
  (formats as unknown as { default: (a: Ajv) => void }).default(ajv);
  const ops = loadOperations(vendor, ajv);
  const received: ReceivedRequest[] = [];
  const invalid: CrmApiServer['invalid'] = [];
  const forced: ForcedAnswer[] = [];
  const tokens = new Map<string, boolean>();
  let issued = 0;
  let url = '';

  const validator = (specId: string, ...path: string[]) => ajv.getSchema(`${specId}#/${pointer(...path)}`)!;

  function check(op: Operation, req: IncomingMessage, path: string, rawBody: string): { errors: string[]; body: unknown } {
    const errors: string[] = [];
    const values = op.matcher.exec(path)!.slice(1).map(decodeURIComponent);
    op.paramNames.forEach((name, i) => {
      const index = (op.op.parameters ?? []).findIndex((p) => p.in === 'path' && p.name === name);
      const v = validator(op.specId, 'paths', op.template, op.method.toLowerCase(), 'parameters', String(index), 'schema');
      if (index < 0 || !v(values[i])) errors.push(`path parameter ${name}: ${index < 0 ? 'undeclared' : describeErrors(v).join('; ')}`);
    });
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const declared = Object.keys(op.op.requestBody?.content ?? {});
    if (!declared.includes(contentType)) errors.push(`content-type ${contentType || '(none)'} is not one of ${declared.join(', ')}`);
    let body: unknown = null;
    try {
      body = contentType === 'application/x-www-form-urlencoded' ? Object.fromEntries(new URLSearchParams(rawBody)) : JSON.parse(rawBody);
    } catch (e) {
      errors.push(`body is not ${contentType}: ${(e as Error).message}`);
    }
    if (declared.includes(contentType) && errors.length === 0) {
      const v = validator(op.specId, 'paths', op.template, op.method.toLowerCase(), 'requestBody', 'content', contentType, 'schema');
      if (!v(body)) errors.push(...describeErrors(v).map((m) => `body ${m}`));
    }
    if (op.op.security && !/^Bearer [^\s]+$/.test(req.headers.authorization ?? ''))
      errors.push('authorization: a Bearer token is required');
    return { errors, body };
  }

  /** The vendor's own answer, checked against the description so the stand-in cannot drift from it. */
  function answer(res: ServerResponse, op: Operation, status: number, body: unknown, headers: Record<string, string> = {}) {
    const responses = (op.op as { responses?: Record<string, unknown> }).responses ?? {};
    const key = String(status) in responses ? String(status) : 'default';
    const content = (responses[key] as { content?: Record<string, unknown> } | undefined)?.content;
    if (body !== undefined && content) {
      const type = Object.keys(content)[0]!;
      const v = validator(op.specId, 'paths', op.template, op.method.toLowerCase(), 'responses', key, 'content', type, 'schema');
      if (v && !v(body)) throw new Error(`stand-in answer does not match ${op.template} ${status}: ${describeErrors(v).join('; ')}`);
    }
    res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  function issueToken(res: ServerResponse, op: Operation, form: Record<string, string>) {
    const known = form.client_id === credentials.clientId && form.client_secret === credentials.clientSecret;
    const refreshOk = form.grant_type !== 'refresh_token' || form.refresh_token === credentials.refreshToken;
    if (!known || !refreshOk) {
      const error =
        vendor === 'hubspot'
          ? {
              status: 'BAD_CLIENT_ID',
              message: 'missing or unknown client id',
              correlationId: CORRELATION,
              category: 'VALIDATION_ERROR',
            }
          : { error: 'invalid_client', error_description: 'invalid client credentials' };
      return answer(res, op, 400, error);
    }
    const token = `${vendor}-token-${++issued}`;
    tokens.set(token, true);
    if (vendor === 'hubspot')
      return answer(res, op, 200, {
        access_token: token,
        expires_in: credentials.expiresIn ?? 1800,
        token_type: 'bearer',
        token_use: 'client_credentials',
      });
    return answer(res, op, 200, {
      access_token: token,
      instance_url: url,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
      signature: 'c2lnbmF0dXJl',
    });
  }

  function update(req: IncomingMessage, res: ServerResponse, op: Operation, path: string) {
    const token = (req.headers.authorization ?? '').slice('Bearer '.length);
    const next = forced.shift();
    if (next) return answer(res, op, next.status, next.body, next.headers);
    if (!tokens.get(token)) {
      const body =
        vendor === 'hubspot'
          ? {
              status: 'error',
              message: 'Authentication credentials not found.',
              correlationId: CORRELATION,
              category: 'INVALID_AUTHENTICATION',
            }
          : [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
      return answer(res, op, 401, body);
    }
    if (vendor === 'salesforce') return answer(res, op, 204, undefined);
    const id = decodeURIComponent(path.split('/').pop()!);
    const at = new Date().toISOString();
    const properties = (received.at(-1)?.body as { properties: Record<string, string> }).properties;
    return answer(res, op, 200, { id, properties, createdAt: at, updatedAt: at, archived: false });
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const op = ops.find((o) => o.method === req.method && o.matcher.test(path));
      if (!op) {
        invalid.push({ method: req.method ?? '', path, errors: ['no such operation in the description'] });
        return answer(res, { ...ops[0]!, op: {} }, 404, undefined);
      }
      const { errors, body } = check(op, req, path, rawBody);
      if (errors.length > 0) {
        invalid.push({ method: op.method, path, errors });
        const message = `request does not match the description: ${errors.join('; ')}`;
        res.writeHead(400, { 'content-type': 'application/json' });
        // Worded as the vendor words a refusal, so the client keeps the reasons as the CRM's message.
        const refusal =
          vendor === 'hubspot'
            ? { status: 'error', message, correlationId: CORRELATION, category: 'VALIDATION_ERROR' }
            : [{ message, errorCode: 'INVALID_FIELD' }];
        return res.end(JSON.stringify(refusal));
      }
      const isToken = op.template.includes('token');
      received.push({ method: op.method, path, operation: `${op.method} ${op.template}`, authorization: req.headers.authorization, body });
      if (isToken) return issueToken(res, op, body as Record<string, string>);
      return update(req, res, op, path);
    })().catch((e: unknown) => {
      invalid.push({ method: req.method ?? '', path: req.url ?? '', errors: [String(e)] });
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    invalid,
    forced,
    expireTokens: () => {
      for (const t of tokens.keys()) tokens.set(t, false);
    },
    updates: () => received.filter((r) => !r.operation.includes('token')),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
