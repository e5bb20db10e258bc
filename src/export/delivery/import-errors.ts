import type { ImportJob, KlaviyoClient } from '../../klaviyo/klaviyo-client.js';
import { ImportErrorMatcher } from './import-error-matcher.js';
import { scrub } from '../../privacy/scrub.js';

export interface NamedRefusal {
  /** 0-based position in the request that created the job. */
  readonly position: number;
  readonly reason: string;
  readonly description: string;
  readonly detail: string;
}

/**
 * Reads every page of a finished job's import errors and names the profile each one refused, by
 * what was sent (see ImportErrorMatcher). A second error for the same profile adds its detail to
 * the first. `unnamed` counts the errors tied to no sent profile: reported as unattributed.
 */
export async function collectImportErrors(
  client: Pick<KlaviyoClient, 'listImportErrors'>,
  job: ImportJob,
  profileCount: number,
  requestProfiles: () => readonly { attributes?: Record<string, unknown> }[],
): Promise<{ named: NamedRefusal[]; unnamed: number }> {
  const named = new Map<number, NamedRefusal>();
  let unnamed = 0;
  let matcher: ImportErrorMatcher | undefined;
  for await (const error of client.listImportErrors(job.id)) {
    matcher ??= new ImportErrorMatcher(requestProfiles().slice(0, profileCount));
    const position = matcher.match(error);
    if (position === undefined) {
      unnamed += 1;
      continue;
    }
    const detail = error.detail ?? error.title ?? '';
    const earlier = named.get(position);
    if (earlier) {
      if (detail !== '' && !earlier.detail.includes(detail)) named.set(position, { ...earlier, detail: `${earlier.detail}; ${detail}` });
      continue;
    }
    named.set(position, {
      position,
      reason: `klaviyo_${error.code ?? 'import_error'}`,
      description: scrub(error.title ?? 'Klaviyo refused this profile during the import.'),
      detail,
    });
  }
  return { named: [...named.values()].sort((a, b) => a.position - b.position), unnamed };
}
