import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import draft6 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };

/**
 * Validators for what Slack and Teams accept, from the schemas under test/fixtures/chat (README there): Slack's Block
 * Kit (written from Slack's documented reference: Slack publishes no JSON schema) and Microsoft's published Adaptive
 * Card 1.4 schema, plus the Teams incoming-webhook envelope ({type: message, attachments: [{contentType, content}]}).
 */
const fixture = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'chat', name), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addMetaSchema(draft6);

export const validateSlack: ValidateFunction = ajv.compile(fixture('slack-block-kit.schema.json'));
/** The published file names itself with draft-04's `id`, which ajv 8 refuses: the same URI is given as `$id`, nothing else changes. */
const { id: cardSchemaId, ...cardSchema } = fixture('adaptive-card-1.4.schema.json') as { id: string };
export const validateAdaptiveCard: ValidateFunction = ajv.compile({ ...cardSchema, $id: cardSchemaId });
const validateTeamsEnvelope = ajv.compile({
  type: 'object',
  required: ['type', 'attachments'],
  properties: {
    type: { const: 'message' },
    attachments: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['contentType', 'content'],
        properties: {
          contentType: { const: 'application/vnd.microsoft.card.adaptive' },
          contentUrl: { type: 'null' },
          content: { type: 'object', required: ['type', 'version', 'body'] },
        },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
});

/** A Teams message is valid when its envelope is and every attached card passes the Adaptive Card schema. */
export function teamsErrors(body: unknown): string[] {
  if (!validateTeamsEnvelope(body)) return ajv.errorsText(validateTeamsEnvelope.errors).split(', ');
  const cards = (body as { attachments: { content: unknown }[] }).attachments.map((a) => a.content);
  return cards.flatMap((c) => (validateAdaptiveCard(c) ? [] : ajv.errorsText(validateAdaptiveCard.errors).split(', ')));
}
export const slackErrors = (body: unknown): string[] => (validateSlack(body) ? [] : ajv.errorsText(validateSlack.errors).split(', '));

export interface ChatServer {
  readonly url: (path: string) => string;
  /** Bodies that passed the schema, in arrival order, with the path they were posted to. */
  readonly received: { path: string; body: unknown }[];
  /** Bodies that failed it (the server answered 400, as Slack does for invalid_blocks). */
  readonly rejected: { path: string; errors: string[] }[];
  close(): Promise<void>;
}

/** A local incoming-webhook endpoint that checks every POST against the vendor's schema: 200 when valid, 400 otherwise. */
export async function startChatServer(check: (body: unknown) => string[]): Promise<ChatServer> {
  const received: ChatServer['received'] = [];
  const rejected: ChatServer['rejected'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      let errors: string[];
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        errors = req.method === 'POST' && req.headers['content-type'] === 'application/json' ? check(body) : ['not a JSON POST'];
      } catch {
        errors = ['invalid JSON'];
      }
      if (errors.length === 0) received.push({ path, body });
      else rejected.push({ path, errors });
      res.writeHead(errors.length === 0 ? 200 : 400, { 'content-type': 'text/plain' }).end(errors.length === 0 ? 'ok' : 'invalid_payload');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    rejected,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
