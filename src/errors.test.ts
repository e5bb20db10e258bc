import { describe, expect, it } from 'vitest';
import { describeBug, InternalError, isProgrammingError, KlaviyoApiError } from './errors.js';

describe('isProgrammingError', () => {
  it.each([
    [new TypeError('x is not a function'), true],
    [new ReferenceError('x is not defined'), true],
    [new RangeError('Invalid array length'), true],
    [new InternalError('A batch to stage has no body.'), true],
    [Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }), false],
    [new KlaviyoApiError('Klaviyo answered 500.', 500), false],
  ])('%s: %s', (error, expected) => {
    expect(isProgrammingError(error)).toBe(expected);
  });
});

describe('describeBug', () => {
  it('names the error and where our code threw it, in one line asking for a bug report', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'id')");
    error.stack = [
      `TypeError: ${error.message}`,
      '    at next (node:internal/process/task_queues:95:5)',
      '    at x (/home/u/node_modules/p-limit/index.js:1:2)',
      '    at sendPart (file:///opt/klaviyo-export/dist/export/delivery/deliver-batches.js:171:27)',
    ].join('\n');
    expect(describeBug(error)).toBe(
      "klaviyo-export stopped on a programming error (TypeError: Cannot read properties of undefined (reading 'id'), at dist/export/delivery/deliver-batches.js:171:27); this is a bug, please report it with the command you ran (without the API key).",
    );
  });

  it('leaves out what a message quotes of the data: double-quoted text and email addresses', () => {
    const error = new SyntaxError('Unexpected token \'a\', "ann@example.com,Ann" is not valid JSON');
    error.stack = undefined;
    const line = describeBug(error);
    expect(line).not.toContain('ann@example.com');
    expect(line).not.toContain('Ann"');
    expect(line).toContain('(SyntaxError: Unexpected token \'a\', "…" is not valid JSON)');
    expect(describeBug(new RangeError(`bob@example.com\n${'x'.repeat(500)}`))).not.toMatch(/bob@|\n|x{201}/);
  });
});
