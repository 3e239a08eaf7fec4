import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*', 'test'],
    // `pnpm test` runs with --coverage (v8: no instrumentation step, a few percent slower). The figures are
    // in the README; the floor sits well below them, so it catches a suite that stopped running, never noise.
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      exclude: ['packages/*/src/data/**'],
      reporter: ['text-summary', ['json-summary', { file: 'coverage-summary.json' }]],
      reportsDirectory: 'coverage',
      thresholds: { statements: 80, branches: 70, functions: 85, lines: 80 },
    },
  },
});
