import { buildProfileImportBody, type ProfileImportEnvelope } from '../klaviyo/profile-import-payload.js';

interface ImportBody {
  data: { attributes: { profiles: { data: { attributes?: Record<string, unknown> }[] } } };
}

/** The profile resources of a staged request body, in order. Only used on rare paths (refusals). */
export function profileResourcesOf(body: string): { attributes?: Record<string, unknown> }[] {
  return (JSON.parse(body) as ImportBody).data.attributes.profiles.data;
}

/** The same request without the profiles at `removed` positions (0-based, in the body's order). */
export function withoutProfiles(
  body: string,
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
