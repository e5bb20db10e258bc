import { existsSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { Secret } from './secret.js';

/** The variables klaviyo-export reads (docs/environment.md; .env.example). */
export interface Environment {
  readonly apiKey: Secret | undefined;
  readonly baseUrl: string | undefined;
  /** Where KLAVIYO_BASE_URL came from: the real environment or the working directory's `.env`. */
  readonly baseUrlSource?: 'environment' | '.env' | undefined;
  readonly revision: string | undefined;
  readonly stateDir: string | undefined;
  readonly noColor: boolean;
  /** GITHUB_STEP_SUMMARY: the file GitHub Actions shows as the step's Markdown summary. */
  readonly githubStepSummary?: string;
  /** GITHUB_ACTIONS=true: the outcome is also printed as a workflow annotation. */
  readonly isGithubActions?: boolean;
  /** KLAVIYO_EXPORT_CONFIG: the saved connections and exports file. */
  readonly configPath: string | undefined;
  /** Any variable, for a connection's `apiKeyEnv`; a key read with it belongs in a Secret. */
  readonly variable: (name: string) => string | undefined;
}

/**
 * Reads the environment, after loading `.env` from the working directory without overriding what
 * the real environment already sets. The CLI passes process.env: nothing below it reads the process.
 */
export function loadEnvironment(cwd: string, env: NodeJS.ProcessEnv): Environment {
  const dotenvPath = join(cwd, '.env');
  const fromFile: Record<string, string> = {};
  if (existsSync(dotenvPath)) {
    dotenv.config({ path: dotenvPath, processEnv: fromFile, quiet: true });
  }
  const read = (name: string): string | undefined => {
    const value = env[name] ?? fromFile[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const apiKey = read('KLAVIYO_API_KEY');
  const baseUrl = read('KLAVIYO_BASE_URL');
  const isBaseUrlFromEnv = (env.KLAVIYO_BASE_URL ?? '').trim() !== '';
  return {
    apiKey: apiKey === undefined ? undefined : new Secret(apiKey),
    baseUrl,
    baseUrlSource: baseUrl === undefined ? undefined : isBaseUrlFromEnv ? 'environment' : '.env',
    revision: read('KLAVIYO_REVISION'),
    stateDir: read('KLAVIYO_EXPORT_STATE_DIR'),
    noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== '',
    // Set by the CI runner itself, never by a .env file.
    githubStepSummary: nonBlank(env.GITHUB_STEP_SUMMARY),
    isGithubActions: env.GITHUB_ACTIONS === 'true',
    configPath: read('KLAVIYO_EXPORT_CONFIG'),
    variable: read,
  };
}

function nonBlank(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
