import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  test: { name: 'overlays', include: ['test/**/*.test.ts'] },
});
