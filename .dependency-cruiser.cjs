/**
 * Dependencies point inward. The pure core is src/domain; src/screening and src/audit are libraries over it; src/app holds
 * the use cases and talks to storage through the port (src/store/*-port.ts); src/http and src/cli deliver the use cases; the
 * storage adapters (src/store/sqlite, postgres, sql) implement the port and know nothing about app, http or cli.
 * Checked in CI (`npm run depcheck`).
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports nothing from outer layers and no I/O modules.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: {
        path: '^src/(app|store|http|cli|screening|runtime)|^(node:)?(fs|net|http|https|child_process|sqlite|worker_threads)$|^node_modules/(pg|kysely|fastify|pino)',
      },
    },
    {
      name: 'runtime-is-a-leaf',
      comment: 'src/runtime (how code runs inside Node, e.g. starting worker threads) is used by every layer but the domain.',
      severity: 'error',
      from: { path: '^src/runtime' },
      to: { path: '^src/(domain|screening|audit|config|app|store|http|cli)' },
    },
    {
      name: 'screening-is-a-library',
      severity: 'error',
      from: { path: '^src/screening' },
      to: { path: '^src/(app|store|http|cli)' },
    },
    {
      name: 'app-uses-ports-not-adapters',
      comment: 'Use cases depend on the storage port, never on a concrete adapter, HTTP or CLI.',
      severity: 'error',
      from: { path: '^src/app' },
      to: { path: '^src/(http|cli)|^src/store/(sqlite|postgres)' },
    },
    {
      name: 'store-does-not-know-delivery',
      severity: 'error',
      from: { path: '^src/store' },
      to: { path: '^src/(http|cli|app)' },
    },
    {
      name: 'audit-is-a-library',
      comment: 'src/audit (hashing, checkpoints, verification) works on rows handed to it: no storage, use cases or delivery.',
      severity: 'error',
      from: { path: '^src/audit' },
      to: { path: '^src/(store|app|http|cli)' },
    },
    {
      name: 'config-reads-only-the-domain',
      comment: 'src/config turns files and variables into domain values: it may use src/domain and src/screening only.',
      severity: 'error',
      from: { path: '^src/config' },
      to: { path: '^src/(app|store|http|cli|audit)' },
    },
    {
      name: 'http-uses-ports-not-adapters',
      comment: 'Routes reach storage through the use cases and the port types, never a concrete adapter.',
      severity: 'error',
      from: { path: '^src/http' },
      to: { path: '^src/store/(sqlite|postgres|sql)/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
