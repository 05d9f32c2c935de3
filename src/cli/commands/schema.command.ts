import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { configJsonSchema, leadJsonSchema } from '../../config/json-schema.ts';

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('Print the JSON Schema of the config (default) or of a lead')
    .option('--kind <kind>', 'config | lead', 'config')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (opts: { kind: string; out?: string }) => {
      const schema = opts.kind === 'lead' ? leadJsonSchema() : configJsonSchema();
      const text = `${JSON.stringify(schema, null, 2)}\n`;
      if (opts.out) await writeFile(opts.out, text);
      else process.stdout.write(text);
    });
}
