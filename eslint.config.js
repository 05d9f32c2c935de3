import tseslint from 'typescript-eslint';

/**
 * TEMPORARY: files being rewritten in parallel on other branches (the storage split and the event path).
 * They are exempt from the size limits below only until those branches are merged; the lead deletes this list then.
 */
const SIZE_LIMIT_EXEMPT_UNTIL_MERGE = [
  'src/store/**',
  '!src/store/migrations/**', // the migrations already fit the limits
  'src/app/ingest-lead.use-case.ts',
  'src/app/route-lead.use-case.ts',
  'src/app/redecide.use-case.ts',
  'src/app/sla-miss.use-case.ts',
  'src/app/review.use-case.ts',
  'src/app/lead-lifecycle.use-case.ts',
  'src/app/outreach.use-case.ts',
  'src/app/redecide.ts',
  'src/domain/org/compile-org.ts',
  'src/http/routes/conduct.routes.ts',
  'src/cli/commands/audit.command.ts',
];

/** TEMPORARY, like the list above: the two files with long lines that are being rewritten on another branch. */
const LINE_LENGTH_EXEMPT_UNTIL_MERGE = ['src/http/routes/conduct.routes.ts', 'src/cli/commands/audit.command.ts'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'web/dist/**', 'data/**', 'test-results/**', 'bench/results/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use a union of string literals (Node type stripping cannot run enums).' },
      ],
    },
  },
  {
    // Tests and benchmarks build deliberately loose config objects to mutate; production code stays strict.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Size limits (docs/architecture.md): a function fits on a screen, a file holds one concept.
    files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}'],
    ignores: SIZE_LIMIT_EXEMPT_UNTIL_MERGE,
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Lines fit in 140 columns (.prettierrc.json); Prettier cannot wrap strings, comments or regular expressions, so this checks them.
    files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}', 'test/**/*.ts'],
    ignores: LINE_LENGTH_EXEMPT_UNTIL_MERGE,
    rules: {
      'max-len': [
        'error',
        { code: 140, ignoreUrls: false, ignoreStrings: false, ignoreTemplateLiterals: false, ignoreRegExpLiterals: true },
      ],
    },
  },
  {
    // The pure domain gets no clock, no randomness: they are passed in so decisions can be replayed.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Pass a Clock into the domain.' },
        { object: 'Math', property: 'random', message: 'Pass an IdSource / seed into the domain.' },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'The domain does no I/O.' }],
    },
  },
);
