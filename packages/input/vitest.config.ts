import { defineProject } from 'vitest/config';
import { testLimits, workspaceAliases } from '../../vitest.shared.js';

export default defineProject({
  resolve: { alias: workspaceAliases },
  test: { ...testLimits, name: 'input', include: ['test/**/*.test.ts'] },
});
