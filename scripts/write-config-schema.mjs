// Runs after `npm run build` (postbuild): writes the JSON Schema of klaviyo-export.json, generated
// from the same zod schema that validates the file, so that `"$schema"` gives editors completion.
import { writeFileSync } from 'node:fs';
import { createConfigJsonSchema } from '../dist/config/export-config.js';
import { CONFIG_SCHEMA_FILE, exportOptionSpecs } from '../dist/cli/export-options.js';

const schema = createConfigJsonSchema(exportOptionSpecs());
writeFileSync(CONFIG_SCHEMA_FILE, `${JSON.stringify(schema, null, 2)}\n`);
