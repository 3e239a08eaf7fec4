import { defineProject } from 'vitest/config';
import { sharedWorkers, testLimits, testRules, workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: { ...testLimits, ...testRules, ...sharedWorkers, name: 'output', include: ['test/**/*.test.ts'] },
});
