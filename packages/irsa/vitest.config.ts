import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  test: { name: 'irsa', include: ['test/**/*.test.ts'] },
});
