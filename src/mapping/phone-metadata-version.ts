import { createRequire } from 'node:module';

/**
 * libphonenumber-js ships its metadata inside each release, so its version names the rules that
 * decided which phone numbers were kept and how they were normalised.
 */
export const PHONE_METADATA_VERSION = (createRequire(import.meta.url)('libphonenumber-js/package.json') as { version: string }).version;
