import { defineProject } from 'vitest/config';
import { testLimits, testRules, workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: { ...testLimits, ...testRules, name: 'importer', include: ['test/**/*.test.ts'] },
});
