import { defineConfig } from 'vitest/config';

// Two projects, one run: `npm test` runs both, `npm run test:unit` and `npm run test:e2e` one each.
// End-to-end tests run the built CLI as a subprocess, so `npm test` and `npm run test:e2e` build first.
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        // The gate's own tests (scripts/) start no CLI either.
        test: { name: 'unit', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['test/**/*.test.ts'] },
      },
    ],
  },
});
