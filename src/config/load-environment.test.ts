import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvironment } from './load-environment.js';

describe('loadEnvironment', () => {
  const dirs: string[] = [];
  const makeDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-env-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads .env from the working directory without overriding the real environment', () => {
    const dir = makeDir();
    writeFileSync(join(dir, '.env'), 'KLAVIYO_API_KEY=pk_from_file\nKLAVIYO_BASE_URL=http://127.0.0.1:9\n');
    const env = loadEnvironment(dir, { KLAVIYO_API_KEY: 'pk_from_env' });
    expect(env.apiKey?.reveal()).toBe('pk_from_env');
    expect(env.baseUrl).toBe('http://127.0.0.1:9');
    expect(env.baseUrlSource).toBe('.env');
    expect(loadEnvironment(dir, { KLAVIYO_BASE_URL: 'https://proxy.example' }).baseUrlSource).toBe('environment');
  });

  it('treats an empty variable as absent and honours NO_COLOR', () => {
    const dir = makeDir();
    const env = loadEnvironment(dir, { KLAVIYO_API_KEY: '  ', NO_COLOR: '1' });
    expect(env.apiKey).toBeUndefined();
    expect(env.noColor).toBe(true);
  });

  it('reads the GitHub Actions variables from the real environment only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kx-env-'));
    try {
      writeFileSync(join(dir, '.env'), 'GITHUB_STEP_SUMMARY=/from/file\nGITHUB_ACTIONS=true\n');
      expect(loadEnvironment(dir, {})).toMatchObject({ githubStepSummary: undefined, isGithubActions: false });
      const env = loadEnvironment(dir, { GITHUB_STEP_SUMMARY: '/runner/summary.md', GITHUB_ACTIONS: 'true' });
      expect(env).toMatchObject({ githubStepSummary: '/runner/summary.md', isGithubActions: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
