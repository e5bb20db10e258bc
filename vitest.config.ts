import { defineConfig } from 'vitest/config';

// Two projects, one run: `npm test` runs both, `npm run test:unit` and `npm run test:e2e` one each.
// End-to-end tests run the built CLI as a subprocess, so `npm test` and `npm run test:e2e` build first.
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A private TMPDIR for the run: whatever a test leaves in it fails the run (test/helpers/private-tmpdir.ts).
    globalSetup: ['test/helpers/private-tmpdir.ts'],
    projects: [
      {
        extends: true,
        // The gate's own tests (scripts/) start no CLI either.
        test: { name: 'unit', include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'] },
      },
      {
        extends: true,
        // Removes the directories each file made with makeTempDir (test/helpers/run-cli.ts).
        test: { name: 'e2e', include: ['test/**/*.test.ts'], setupFiles: ['test/helpers/remove-temp-dirs.ts'] },
      },
    ],
  },
});
