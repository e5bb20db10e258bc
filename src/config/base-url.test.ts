import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { describeForeignBaseUrl, validateBaseUrl } from './base-url.js';

describe('validateBaseUrl', () => {
  it.each([
    ['https://a.klaviyo.com', 'https://a.klaviyo.com'],
    ['https://a.klaviyo.com/', 'https://a.klaviyo.com'],
    ['http://127.0.0.1:4010', 'http://127.0.0.1:4010'],
    ['http://127.8.9.10:80/', 'http://127.8.9.10'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
  ])('accepts %s', (raw, expected) => {
    expect(validateBaseUrl(raw)).toBe(expected);
  });

  it.each([
    'http://a.klaviyo.com',
    'http://10.0.0.1',
    'http://127.example.com',
    'ftp://a.klaviyo.com',
    'not a url',
    'https://user:pw@a.klaviyo.com',
  ])('refuses %s', (raw) => {
    expect(() => validateBaseUrl(raw)).toThrow(UsageError);
  });
});

describe('describeForeignBaseUrl', () => {
  it.each([
    ['http://127.0.0.1:4010', '--base-url', 'the --base-url option'],
    ['https://proxy.example', 'environment', 'KLAVIYO_BASE_URL in the environment'],
    ['https://evil.example', '.env', 'KLAVIYO_BASE_URL in the .env file of the working directory'],
  ] as const)('names %s and its source (%s)', (url, source, name) => {
    expect(describeForeignBaseUrl(url, source)).toBe(
      `Sending the API key and every request to ${url}, not Klaviyo's https://a.klaviyo.com (set by ${name}).`,
    );
  });

  it.each(['default', '.env', '--base-url'] as const)("says nothing of Klaviyo's own URL (from %s)", (source) => {
    expect(describeForeignBaseUrl('https://a.klaviyo.com', source)).toBeUndefined();
  });
});
