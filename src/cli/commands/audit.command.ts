import { withStore } from '../with-store.ts';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  exportAuditRange,
  exportCheckpoints,
  leadStory,
  leadStoryHtml,
  verifyStoredLog,
  type CheckpointsFile,
  type VerifyReport,
} from '../../app/audit/audit-queries.ts';
import { compileStoredOrg, replayDecision } from '../../app/audit/audit-replay.use-case.ts';
import { sealAll } from '../../app/audit/audit-sealer.service.ts';
import { AuditKeyError, AuditSigner, rotateAuditKey, type AuditKeySource } from '../../app/audit/audit-signing-key.ts';
import { auditKeySource } from '../audit-sealer-runner.ts';
import { runtimeEnv } from '../runtime-config.ts';
import { systemClock } from '../../app/shared/system-clock.ts';
import { renderLeadStory } from '../../audit/index.ts';
import { toIso } from '../../domain/shared/zoned-time.ts';
import { CliFailure, readJsonFile } from '../cli-io.ts';
import { EXIT } from '../exit-codes.ts';

const DB_HELP = 'store: postgres://…, sqlite:PATH or a file path (default: DATABASE_URL, else ./data/remit.sqlite)';

async function output(text: string | AsyncIterable<string>, out: string | undefined): Promise<void> {
  if (typeof text === 'string') {
    if (out) await writeFile(out, text);
    else process.stdout.write(text);
    return;
  }
  const sink: NodeJS.WritableStream = out ? createWriteStream(out) : process.stdout;
  for await (const chunk of text) if (!sink.write(chunk)) await new Promise<void>((r) => sink.once('drain', () => r()));
  if (out)
    await new Promise<void>((resolve, reject) =>
      (sink as ReturnType<typeof createWriteStream>).end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
}

function nonNegativeInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: flag, message: `expected a non-negative integer, got ${value}` }]);
  return Number(value);
}

function instant(value: string, flag: string): string {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: flag, message: `not an ISO date or time: ${value}` }]);
  return new Date(t).toISOString();
}

/** One line per fact: what was checked, or the first bad entry precisely. */
export function formatVerifyReport(r: VerifyReport): string {
  const against = r.checkpointsFrom === 'file' ? 'checkpoints from the file (its public keys)' : 'the stored checkpoints';
  const scope =
    r.range.from > 0 || r.range.to !== null ? ` range [${r.range.from}, ${r.range.to ?? 'end'}) (read from ${r.range.readFrom})` : '';
  const leads = formatAssignmentCheck(r.assignments);
  if (r.result.ok) {
    const v = r.result;
    return [
      `${r.ok ? 'ok' : 'MISMATCH'}: audit log ${r.logId ?? '(empty)'}${scope} verified against ${against}`,
      `  entries verified:        ${v.entries}`,
      `  checkpoints verified:    ${v.checkpointsVerified} (Ed25519 signatures, roots and chain heads)`,
      `  tree size / root:        ${v.treeSize} / ${v.rootHash}`,
      `  after last checkpoint:   ${v.uncheckpointed} (chained, not yet signed)`,
      `  pending (unsealed):      ${r.pending}`,
      ...leads,
      '',
    ].join('\n');
  }
  const b = r.result.firstBad;
  return [
    `TAMPERED: audit log ${r.logId ?? ''}${scope} checked against ${against}`,
    `  first bad entry: #${b.seq}  ${b.problem}`,
    `  ${b.detail}`,
    `  entries checked before it: ${r.result.entriesChecked}`,
    ...leads,
    '',
  ].join('\n');
}

/** The leads-table cross-check (finding W17): a count when every lead agrees, else each lead that does not. */
function formatAssignmentCheck(a: VerifyReport['assignments']): string[] {
  if (a === null) return ['  leads cross-checked:     skipped (only a range was verified)'];
  if (a.ok) return [`  leads cross-checked:     ${a.leadsChecked} (status, team and rep agree with the log)`];
  const more = a.mismatchCount > a.mismatches.length ? [`  … and ${a.mismatchCount - a.mismatches.length} more`] : [];
  return [
    `  leads cross-checked:     ${a.leadsChecked}, ${a.mismatchCount} disagree with the log:`,
    ...a.mismatches.map((m) => `  lead ${m.leadId}  ${m.problem}\n    ${m.detail}`),
    ...more,
  ];
}

function signerFrom(opts: { keyFile?: string }): { source: AuditKeySource; signer: AuditSigner } {
  const env = auditKeySource(runtimeEnv());
  const source: AuditKeySource = { inline: env.inline, file: opts.keyFile ?? env.file };
  try {
    return { source, signer: new AuditSigner(source) };
  } catch (e) {
    if (e instanceof AuditKeyError)
      throw new CliFailure('AUDIT_KEY_UNAVAILABLE', undefined, [{ path: 'REMIT_AUDIT_KEY', message: e.message }]);
    throw e;
  }
}

export function registerAuditCommand(program: Command, exit: (code: number) => void): void {
  const audit = program
    .command('audit')
    .description('Tamper-evident audit trail: verify, checkpoints, lead story, exports, replay, sealing and keys (docs/audit.md)');
  registerVerifySubcommand(audit, exit);
  registerCheckpointsSubcommand(audit);
  registerStorySubcommand(audit, exit);
  registerExportSubcommand(audit);
  registerReplaySubcommand(audit, exit);
  registerSealSubcommand(audit);
  registerRotateKeySubcommand(audit);
}

/** `audit verify`: the whole log or a range, against stored or exported checkpoints. */
function registerVerifySubcommand(audit: Command, exit: (code: number) => void): void {
  audit
    .command('verify')
    .description(
      'Verify the whole log (or a range) against the stored checkpoints, or against exported ones, and cross-check ' +
        "every lead's current assignment against the log (exit 0 ok, 7 tampered or a lead disagrees)",
    )
    .option('--db <url>', DB_HELP)
    .option('--from <seq>', 'first entry (inclusive)')
    .option('--to <seq>', 'end entry (exclusive)')
    .option(
      '--checkpoints <file>',
      'checkpoints exported earlier (`remit audit checkpoints export`), kept outside Remit: they and their public ' +
        'keys are the trust anchor',
    )
    .option('--json', 'print the report as JSON')
    .action(async (opts: { db?: string; from?: string; to?: string; checkpoints?: string; json?: boolean }) => {
      const from = nonNegativeInt(opts.from, '--from');
      const to = nonNegativeInt(opts.to, '--to');
      if (from !== undefined && to !== undefined && to < from)
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--to', message: '--to must be ≥ --from' }]);
      let external: CheckpointsFile | undefined;
      if (opts.checkpoints) {
        external = (await readJsonFile(opts.checkpoints)) as CheckpointsFile;
        if (
          external?.format !== 'remit-audit-checkpoints/v1' ||
          !Array.isArray(external.checkpoints) ||
          !Array.isArray(external.publicKeys)
        ) {
          throw new CliFailure('INPUT_UNREADABLE', undefined, [
            { file: opts.checkpoints, path: 'format', message: 'not a remit-audit-checkpoints/v1 export' },
          ]);
        }
      }
      const report = await withStore(opts.db, (store) =>
        verifyStoredLog(store, {
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(external ? { external } : {}),
        }),
      );
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report));
      exit(report.ok ? EXIT.ok : EXIT.auditTampered);
    });
}

/** `audit checkpoints export`: the trust anchor to keep outside Remit. */
function registerCheckpointsSubcommand(audit: Command): void {
  audit
    .command('checkpoints')
    .description('Signed checkpoints')
    .command('export')
    .description(
      'Export every signed checkpoint with the public keys, to keep outside Remit (regulator, second organisation, WORM storage)',
    )
    .option('--db <url>', DB_HELP)
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: { db?: string; out?: string }) => {
      const file = await withStore(opts.db, (store) => exportCheckpoints(store, toIso(systemClock.now())));
      await output(`${JSON.stringify(file, null, 2)}\n`, opts.out);
    });
}

/** `audit story`: one lead's history with inclusion proofs. */
function registerStorySubcommand(audit: Command, exit: (code: number) => void): void {
  audit
    .command('story <leadId>')
    .description('Everything that happened to a lead, in order, with inclusion proofs against the latest signed checkpoint (C7)')
    .option('--db <url>', DB_HELP)
    .option('--format <format>', 'text, json or html', 'text')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (leadId: string, opts: { db?: string; format: string; out?: string }) => {
      if (!['text', 'json', 'html'].includes(opts.format))
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--format', message: 'text, json or html' }]);
      const story = await withStore(opts.db, (store) => leadStory(store, leadId));
      if (!story)
        throw new CliFailure('NOT_FOUND', `no audit story for ${leadId}`, [
          { path: 'leadId', message: `the sealed audit log has no entry about ${leadId}` },
        ]);
      const text = renderLeadStory(story);
      await output(
        opts.format === 'json' ? `${JSON.stringify(story, null, 2)}\n` : opts.format === 'html' ? leadStoryHtml(story, text) : `${text}\n`,
        opts.out,
      );
      exit(story.integrity.verified ? EXIT.ok : EXIT.auditTampered);
    });
}

/** `audit export`: a date range of the sealed log. */
function registerExportSubcommand(audit: Command): void {
  audit
    .command('export')
    .description('Date-range export of the sealed log for bulk regulatory requests (rows keep their hashes)')
    .requiredOption('--from <date>', 'ISO date or time (inclusive)')
    .requiredOption('--to <date>', 'ISO date or time (exclusive)')
    .option('--format <format>', 'jsonl or csv', 'jsonl')
    .option('--db <url>', DB_HELP)
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: { from: string; to: string; format: string; db?: string; out?: string }) => {
      if (opts.format !== 'jsonl' && opts.format !== 'csv')
        throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--format', message: 'jsonl or csv' }]);
      const range = { fromAt: instant(opts.from, '--from'), toAt: instant(opts.to, '--to') };
      await withStore(opts.db, (store) => output(exportAuditRange(store, range, opts.format as 'jsonl' | 'csv'), opts.out));
    });
}

/** `audit replay`: re-run a recorded decision. */
function registerReplaySubcommand(audit: Command, exit: (code: number) => void): void {
  audit
    .command('replay <decisionId>')
    .description(
      'Re-run a recorded decision against the org version it names and the state it recorded; report identical / ' +
        'different field by field (exit 0 identical and intact, 7 otherwise)',
    )
    .option('--db <url>', DB_HELP)
    .option('--json', 'print the report as JSON')
    .action(async (decisionId: string, opts: { db?: string; json?: boolean }) => {
      const result = await withStore(opts.db, (store) =>
        replayDecision({ store, orgVersion: (hash) => compileStoredOrg(store, hash) }, decisionId),
      );
      if (!result.ok) throw CliFailure.from(result.error);
      const r = result.value;
      if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else {
        const lines = [
          `Replay of decision ${r.decisionId} (lead ${r.leadId}, audit entry #${r.auditSeq})`,
          `  org version ${r.orgVersion} (${r.orgHash}), decided ${r.decidedAt}`,
          `  recorded: ${r.recorded.outcome} team ${r.recorded.teamId ?? '-'} rep ${r.recorded.repId ?? '-'}`,
          `  replayed: ${r.replayed.outcome} team ${r.replayed.teamId ?? '-'} rep ${r.replayed.repId ?? '-'}`,
          r.identical
            ? '  result: IDENTICAL (every field of the decision document)'
            : `  result: DIFFERENT in ${r.differences.length} field(s):`,
          ...r.differences
            .slice(0, 50)
            .map((d) => `    ${d.path}: recorded ${JSON.stringify(d.recorded)}, replayed ${JSON.stringify(d.replayed)}`),
          r.integrity.verified
            ? `  integrity: VERIFIED (entry hash, inclusion in checkpoint ${r.integrity.checkpoint?.treeSize} ` +
              `signed ${r.integrity.checkpoint?.at} by key ${r.integrity.checkpoint?.keyId}, decisions table agrees)`
            : '  integrity: FAILED',
          ...r.integrity.problems.map((p) => `    ${p.code}: ${p.detail}`),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      exit(r.identical && r.integrity.verified ? EXIT.ok : EXIT.auditTampered);
    });
}

/** `audit seal`: seal the inbox and sign a checkpoint now. */
function registerSealSubcommand(audit: Command): void {
  audit
    .command('seal')
    .description('Seal the entries waiting in the inbox now and sign a checkpoint (`remit serve` does this continuously)')
    .option('--db <url>', DB_HELP)
    .option(
      '--key-file <path>',
      'audit signing key file (default: REMIT_AUDIT_KEY, else REMIT_AUDIT_KEY_FILE, else ./data/audit-signing-key.pem)',
    )
    .action(async (opts: { db?: string; keyFile?: string }) => {
      const { signer } = signerFrom(opts);
      const r = await withStore(opts.db, (store) => sealAll({ store, clock: systemClock, signer }));
      process.stdout.write(`${JSON.stringify({ ...r, keyId: signer.keyId })}\n`);
    });
}

/** `audit rotate-key`: a new signing key, the old one closed. */
function registerRotateKeySubcommand(audit: Command): void {
  audit
    .command('rotate-key')
    .description(
      'Rotate the audit signing key: a new Ed25519 key (key file 0600, or printed for REMIT_AUDIT_KEY), the old ' +
        'one closed now; old checkpoints keep verifying',
    )
    .option('--db <url>', DB_HELP)
    .option('--key-file <path>', 'key file to replace (default: REMIT_AUDIT_KEY_FILE, else ./data/audit-signing-key.pem)')
    .action(async (opts: { db?: string; keyFile?: string }) => {
      const env = auditKeySource(runtimeEnv());
      const source: AuditKeySource = { inline: env.inline, file: opts.keyFile ?? env.file };
      const at = toIso(systemClock.now());
      const r = await withStore(opts.db, (store) => store.transaction((tx) => rotateAuditKey(tx, source, at)));
      process.stdout.write(
        `${JSON.stringify({ rotatedAt: at, keyId: r.keyId, closed: r.previous, ...(r.file ? { file: r.file } : {}) }, null, 2)}\n`,
      );
      if (r.pem)
        process.stdout.write(
          `\nREMIT_AUDIT_KEY is set: store this new private key in your secret store and restart every instance:\n${r.pem}`,
        );
    });
}
