import { z } from 'zod';
import { EMAIL_ADDRESS_PATTERN, MAX_EMAIL_ADDRESS_LENGTH } from './email-address.js';

/**
 * The profile attributes klaviyo-export sends: the one definition of what a mapped profile may hold
 * (spec: ProfileUpsertQueryResourceObject.attributes and ProfileLocation). Objects are strict
 * because Klaviyo refuses the whole request over one unknown attribute name.
 *
 * Empty strings are not allowed: Klaviyo cannot clear a field, so an empty value is left out.
 */
const text = z.string().min(1);

/** E.164: `+`, a country code that does not start with 0, at most 15 digits in all. */
const E164_PATTERN = /^\+[1-9]\d{1,14}$/;

const propertyValueSchema = z.union([z.string().min(1), z.number(), z.boolean(), z.array(z.unknown()), z.record(z.string(), z.unknown())]);

export const profileLocationSchema = z.strictObject({
  address1: text.optional(),
  address2: text.optional(),
  city: text.optional(),
  region: text.optional(),
  zip: text.optional(),
  country: text.optional(),
  timezone: text.optional(),
});

export const profileAttributesSchema = z.strictObject({
  email: z.email({ pattern: EMAIL_ADDRESS_PATTERN }).max(MAX_EMAIL_ADDRESS_LENGTH),
  first_name: text.optional(),
  last_name: text.optional(),
  phone_number: z.string().regex(E164_PATTERN).optional(),
  external_id: text.optional(),
  organization: text.optional(),
  title: text.optional(),
  locale: text.optional(),
  image: z.httpUrl().optional(),
  location: profileLocationSchema.optional(),
  // Custom properties are free-form in Klaviyo. Values come from a CSV or JSON parser, so nested
  // arrays and objects are JSON already; `z.json()` would walk them again at 3x the cost per row.
  properties: z.record(z.string().min(1), propertyValueSchema).optional(),
});

export type ProfileAttributes = z.infer<typeof profileAttributesSchema>;
export type ProfileLocation = z.infer<typeof profileLocationSchema>;
