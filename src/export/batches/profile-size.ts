import { PROFILE_RESOURCE_HEAD, PROFILE_RESOURCE_TAIL } from '../../klaviyo/profile-import-payload.js';
import { MAX_PROFILE_BYTES } from './batch-limits.js';

export const PROFILE_RESOURCE_HEAD_BYTES = Buffer.byteLength(PROFILE_RESOURCE_HEAD);
export const PROFILE_RESOURCE_TAIL_BYTES = Buffer.byteLength(PROFILE_RESOURCE_TAIL);

/** UTF-8 size of the resource object, `{"type":"profile","attributes":...}`, around attributes of `attributesBytes`. */
export function profileResourceBytes(attributesBytes: number): number {
  return PROFILE_RESOURCE_HEAD_BYTES + attributesBytes + PROFILE_RESOURCE_TAIL_BYTES;
}

/** Why a profile of `resourceBytes` cannot be sent, or undefined when Klaviyo accepts its size. */
export function profileTooLargeDetail(resourceBytes: number): string | undefined {
  if (resourceBytes <= MAX_PROFILE_BYTES) return undefined;
  return `The profile is ${resourceBytes} bytes as JSON; Klaviyo accepts at most ${MAX_PROFILE_BYTES} bytes per profile.`;
}
