import tseslint from 'typescript-eslint';

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
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true, IIFEs: true }],
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Lines fit in 140 columns (.prettierrc.json); Prettier cannot wrap strings, comments or regular expressions, so this checks them.
    files: ['src/**/*.ts', 'web/src/**/*.{ts,tsx}', 'test/**/*.ts'],
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
