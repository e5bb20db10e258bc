/**
 * The body of `POST /api/profile-bulk-import-jobs` (spec: ProfileImportJobCreateQuery), built from
 * profiles that were serialised once, while the file was read, so that batching can count bytes
 * exactly and uploading does not serialise again.
 *
 * body = envelope.head + profileResources.join(',') + envelope.tail
 */
export interface ProfileImportEnvelope {
  readonly head: string;
  readonly tail: string;
}

export const PROFILE_RESOURCE_SEPARATOR = ',';

export function createProfileImportEnvelope(listId: string): ProfileImportEnvelope {
  return {
    head: '{"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":[',
    tail: `]}},"relationships":{"lists":{"data":[{"type":"list","id":${JSON.stringify(listId)}}]}}}}`,
  };
}

/** One profile as a JSON:API resource object (spec: ProfileUpsertQueryResourceObject): head, attributes, tail. */
export const PROFILE_RESOURCE_HEAD = '{"type":"profile","attributes":';
export const PROFILE_RESOURCE_TAIL = '}';

export function serializeProfileResource(attributes: object): string {
  return `${PROFILE_RESOURCE_HEAD}${JSON.stringify(attributes)}${PROFILE_RESOURCE_TAIL}`;
}

export function buildProfileImportBody(envelope: ProfileImportEnvelope, profileResources: readonly string[]): string {
  return envelope.head + profileResources.join(PROFILE_RESOURCE_SEPARATOR) + envelope.tail;
}
