import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliFailure } from './cli-io.ts';

/** The example orgs shipped with Remit, one directory each (examples/bank, examples/saas …). */
export const EXAMPLES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');

/** The names `--example` accepts: the directories that exist, so a new example needs no code change. */
export function exampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

/**
 * `--example <name>` → examples/<name>. The name is looked up among the directories rather than joined as
 * given, so `../x` or an absolute path can never name anything outside examples/.
 */
export function exampleConfigPath(name: string): string {
  const known = exampleNames();
  if (!known.includes(name))
    throw new CliFailure('ARGUMENT_INVALID', undefined, [
      { path: '--example', message: `unknown example "${name}"; known: ${known.join(', ')}` },
    ]);
  return join(EXAMPLES_DIR, name);
}

/** A command's options holding `--<flag> <path>` and `--example <name>`. */
type ConfigChoice<F extends string> = { readonly example?: string | undefined } & { readonly [K in F]?: string | undefined };

/** The config a command runs on, from `--<flag> <path>` or `--example <name>` (not both); undefined when neither. */
export function chosenConfig<F extends string>(opts: ConfigChoice<F>, flag: F): string | undefined {
  const path = opts[flag];
  if (path !== undefined && opts.example !== undefined)
    throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: '--example', message: `give --${flag} or --example, not both` }]);
  return opts.example !== undefined ? exampleConfigPath(opts.example) : path;
}

/** As chosenConfig, for commands that have no default config. */
export function requiredConfig<F extends string>(opts: ConfigChoice<F>, flag: F): string {
  const path = chosenConfig(opts, flag);
  if (path === undefined)
    throw new CliFailure('ARGUMENT_INVALID', undefined, [{ path: `--${flag}`, message: `required: --${flag} <path> or --example <name>` }]);
  return path;
}

export const EXAMPLE_OPTION_HELP = 'an example org shipped with Remit instead of a path: bank, saas (examples/<name>)';
