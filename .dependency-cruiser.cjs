/** Dependencies point inward: domain <- screening <- app <- store/http/cli. Checked in CI (`npm run depcheck`). */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'src/domain imports nothing from outer layers and no I/O modules.',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { path: '^src/(app|store|http|cli|screening)|^(node:)?(fs|net|http|https|child_process|sqlite|worker_threads)$|^node_modules/(pg|kysely|fastify|pino)' },
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
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
