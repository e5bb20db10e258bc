import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOptionSpecs } from '../../src/cli/export-options.js';
import { createConfigJsonSchema } from '../../src/config/export-config.js';
import { ROOT } from '../helpers/run-cli.js';

describe('the shipped JSON Schema of klaviyo-export.json', () => {
  const shipped = JSON.parse(readFileSync(join(ROOT, 'dist', 'klaviyo-export.schema.json'), 'utf8')) as {
    properties: {
      exports: { additionalProperties: { properties: Record<string, { description?: string }>; additionalProperties: boolean } };
    };
  };

  it('is generated from the zod schema that validates the file (up to date with the push options)', () => {
    expect(shipped).toEqual(createConfigJsonSchema(exportOptionSpecs()));
  });

  it('offers every export key with its description and refuses others', () => {
    const exportSchema = shipped.properties.exports.additionalProperties;
    for (const spec of exportOptionSpecs()) expect(exportSchema.properties[spec.key]?.description).toContain(spec.flag);
    expect(exportSchema.additionalProperties).toBe(false);
  });
});
