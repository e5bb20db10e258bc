import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from './load-environment.js';

describe('loadEnvironment', () => {
  it('reads .env from the working directory without overriding the real environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-env-'));
    writeFileSync(join(dir, '.env'), 'KLAVIYO_API_KEY=pk_from_file\nKLAVIYO_BASE_URL=http://127.0.0.1:9\n');
    const env = loadEnvironment(dir, { KLAVIYO_API_KEY: 'pk_from_env' });
    expect(env.apiKey?.reveal()).toBe('pk_from_env');
    expect(env.baseUrl).toBe('http://127.0.0.1:9');
    expect(env.baseUrlSource).toBe('.env');
    expect(loadEnvironment(dir, { KLAVIYO_BASE_URL: 'https://proxy.example' }).baseUrlSource).toBe('environment');
  });

  it('treats an empty variable as absent and honours NO_COLOR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-env-'));
    const env = loadEnvironment(dir, { KLAVIYO_API_KEY: '  ', NO_COLOR: '1' });
    expect(env.apiKey).toBeUndefined();
    expect(env.noColor).toBe(true);
  });
});
