import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One config runs every package's tests. Workspace packages resolve to their
// TypeScript sources, so tests never depend on a stale build.
const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [{ find: /^@dealbook\/([a-z0-9-]+)$/, replacement: `${packagesDir}$1/src/index.ts` }],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
