import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  test: { name: 'mtls', include: ['test/**/*.test.ts'] },
});
