import { defineConfig } from 'vitest/config';

// *.db.test.ts need a real PostgreSQL (TEST_DATABASE_URL). In CI they always run (and fail loudly without it);
// elsewhere, without TEST_DATABASE_URL they are left out, and we say so.
const withoutDb = !process.env['CI'] && !process.env['TEST_DATABASE_URL'];
if (withoutDb) {
  console.warn(
    '\n[vitest] TEST_DATABASE_URL is not set: *.db.test.ts (real PostgreSQL) are NOT run. ' +
      'Run eval "$(scripts/test-postgres.sh start)" to include them.\n',
  );
}

// Tests import workspace packages from their TypeScript sources (the `wavegate-source` export condition),
// so `npm test` needs no build step and a change in one package is seen by its dependents at once.
export default defineConfig({
  resolve: { conditions: ['wavegate-source', 'module', 'node', 'import', 'default'] },
  ssr: { resolve: { conditions: ['wavegate-source', 'node', 'default'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'examples/*/**/*.test.ts',
      'deploy/test/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**', ...(withoutDb ? ['**/*.db.test.ts'] : [])],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
