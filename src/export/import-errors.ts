import { profileIndexFromPointer, type ImportJob, type KlaviyoClient } from '../klaviyo/klaviyo-client.js';
import { scrub } from './scrub.js';

export interface NamedRefusal {
  /** 0-based position in the request that created the job. */
  readonly position: number;
  readonly reason: string;
  readonly description: string;
  readonly detail: string;
}

/**
 * Reads every page of a finished job's import errors and names the profile each one refused: by
 * its `source.pointer` when Klaviyo gives one, else by the email of its `original_payload`.
 */
export async function collectImportErrors(
  client: Pick<KlaviyoClient, 'listImportErrors'>,
  job: ImportJob,
  profileCount: number,
  requestProfiles: () => readonly { attributes?: Record<string, unknown> }[],
): Promise<{ named: NamedRefusal[]; unnamed: number }> {
  const named = new Map<number, NamedRefusal>();
  let unnamed = 0;
  let positionByEmail: Map<string, number> | undefined;
  for await (const error of client.listImportErrors(job.id)) {
    let position = profileIndexFromPointer(error.pointer);
    if (position === undefined || position >= profileCount) {
      positionByEmail ??= indexByEmail(requestProfiles());
      const email = emailOf(error.originalPayload);
      position = email === undefined ? undefined : positionByEmail.get(email);
    }
    if (position === undefined || named.has(position)) {
      unnamed += 1;
      continue;
    }
    named.set(position, {
      position,
      reason: `klaviyo_${error.code ?? 'import_error'}`,
      description: scrub(error.title ?? 'Klaviyo refused this profile during the import.'),
      detail: error.detail ?? error.title ?? '',
    });
  }
  return { named: [...named.values()].sort((a, b) => a.position - b.position), unnamed };
}

function indexByEmail(profiles: readonly { attributes?: Record<string, unknown> }[]): Map<string, number> {
  const byEmail = new Map<string, number>();
  profiles.forEach((profile, i) => {
    const email = profile.attributes?.email;
    if (typeof email === 'string') byEmail.set(email.toLowerCase(), i);
  });
  return byEmail;
}

function emailOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const record = payload as Record<string, unknown>;
  const attributes = (record.attributes ?? record) as Record<string, unknown>;
  return typeof attributes.email === 'string' ? attributes.email.toLowerCase() : undefined;
}
