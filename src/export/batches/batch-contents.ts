import { buildProfileImportBody, type ProfileImportEnvelope } from '../../klaviyo/profile-import-payload.js';

interface ImportBody {
  data: { attributes: { profiles: { data: { attributes?: Record<string, unknown> }[] } } };
}

/** A request body as staged on disk (bytes) or rebuilt in memory (text). */
export type RequestBody = string | Uint8Array;

/** The profile resources of a request body, in order. Only used on rare paths (refusals). */
export function profileResourcesOf(body: RequestBody): { attributes?: Record<string, unknown> }[] {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return (JSON.parse(text) as ImportBody).data.attributes.profiles.data;
}

/** The same request without the profiles at `removed` positions (0-based, in the body's order). */
export function withoutProfiles(
  body: RequestBody,
  envelope: ProfileImportEnvelope,
  removed: ReadonlySet<number>,
): { body: string; kept: number[] } {
  const resources = profileResourcesOf(body);
  const kept: number[] = [];
  const serialized: string[] = [];
  resources.forEach((resource, i) => {
    if (removed.has(i)) return;
    kept.push(i);
    serialized.push(JSON.stringify(resource));
  });
  return { body: buildProfileImportBody(envelope, serialized), kept };
}
