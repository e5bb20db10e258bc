import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { validateBaseUrl } from './base-url.js';

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
