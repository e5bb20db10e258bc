import { createRequire } from 'node:module';

// src/ and dist/ are both one level below package.json.
const packageJson = createRequire(import.meta.url)('../package.json') as { version: string };

/** This package's version (package.json), as the library and the CLI report it. */
export const VERSION = packageJson.version;
export const USER_AGENT = `klaviyo-export/${VERSION} (+https://www.npmjs.com/package/klaviyo-export)`;
