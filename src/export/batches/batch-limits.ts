/**
 * Klaviyo's Bulk Profile Import limits:
 * https://developers.klaviyo.com/en/reference/bulk_import_profiles
 * "up to 10,000 profiles", "payload size 5MB" per request. We count 5 MB as 5,000,000 bytes to keep
 * a margin whichever way Klaviyo counts a megabyte.
 */
export const MAX_PROFILES_PER_REQUEST = 10_000;
export const MAX_REQUEST_BYTES = 5_000_000;
/**
 * Klaviyo's limit for one profile in a bulk import: "The maximum allowed payload size per-profile
 * is 100KB." https://developers.klaviyo.com/en/reference/bulk_import_profiles
 * Measured on the whole resource object, `{"type":"profile","attributes":{...}}`, and counted as
 * 100,000 bytes, the stricter reading, so that Klaviyo never refuses what we accept.
 */
export const MAX_PROFILE_BYTES = 100_000;
/** The export unit of the CDP feature this tool replaces. */
export const MAX_PROFILES_PER_EXPORT = 100_000;

export interface BatchLimits {
  readonly maxProfilesPerRequest: number;
  readonly maxRequestBytes: number;
  readonly maxProfilesPerExport: number;
}

export const KLAVIYO_BATCH_LIMITS: BatchLimits = {
  maxProfilesPerRequest: MAX_PROFILES_PER_REQUEST,
  maxRequestBytes: MAX_REQUEST_BYTES,
  maxProfilesPerExport: MAX_PROFILES_PER_EXPORT,
};
