// Types for the one export of eslint.config.js that a test reads (scripts/import-boundaries.test.ts).
/** The stages of src/export, each with the stages it may import. */
export declare const EXPORT_STAGES: Readonly<Record<string, readonly string[]>>;
declare const config: unknown;
export default config;
