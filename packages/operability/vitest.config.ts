import { defineProject } from 'vitest/config';
import { testRules, workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: { ...testRules, name: 'operability', include: ['test/**/*.test.ts'] },
});
