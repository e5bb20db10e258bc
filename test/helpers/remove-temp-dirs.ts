import { afterAll } from 'vitest';
import { removeTempDirs } from './run-cli.js';

// Setup file of the e2e project: registered first, this hook runs after the test file's own (which
// stop the sandboxes and wait for the CLI processes), then removes the file's temporary directories.
afterAll(removeTempDirs);
