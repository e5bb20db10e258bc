import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './run-cli.js';

/** Writes a CSV of `rows` distinct valid profiles and returns its path and the expected members. */
export function writeSegment(rows: number, options: { prefix?: string; dir?: string } = {}): { file: string; emails: string[] } {
  const prefix = options.prefix ?? 'user';
  const emails = Array.from({ length: rows }, (_, i) => `${prefix}${i}@example.com`);
  const file = join(options.dir ?? makeTempDir(), 'segment.csv');
  writeFileSync(file, `email,first_name,tier\n${emails.map((email, i) => `${email},Name ${i},t${i % 3}`).join('\n')}\n`);
  return { file, emails };
}
