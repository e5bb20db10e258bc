import { existsSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { Secret } from './secret.js';

/** The variables klaviyo-export reads (README, "Environment variables"; .env.example). */
export interface Environment {
  readonly apiKey: Secret | undefined;
  readonly baseUrl: string | undefined;
  readonly revision: string | undefined;
  readonly stateDir: string | undefined;
  readonly noColor: boolean;
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
  return {
    apiKey: apiKey === undefined ? undefined : new Secret(apiKey),
    baseUrl: read('KLAVIYO_BASE_URL'),
    revision: read('KLAVIYO_REVISION'),
    stateDir: read('KLAVIYO_EXPORT_STATE_DIR'),
    noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== '',
  };
}
