import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  test: { name: 'thanos-components', include: ['test/**/*.test.ts'] },
});
