import { defineProject } from 'vitest/config';
import { testRules, workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  // One topology at a time: each starts dozens of processes on a 2-core machine.
  test: {
    ...testRules,
    name: 'e2e',
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    // A topology is dozens of real processes on 2 cores: one retry absorbs a slow start (a writer's first samples
    // late past the bounded wait); a defect in the rendered output fails both tries.
    retry: 1,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
