import { errorResponse, failWith, INVALID_TITLE, jsonApiError, type ApiResponse, type JsonApiError } from './json-api.js';
import { ok, type RouteHandler } from './route-context.js';

/**
 * POST /api/profile-subscription-bulk-create-jobs (spec: bulk_subscribe_profiles,
 * SubscriptionCreateJobCreateQuery). Checked as a whole like the bulk import: one bad profile
 * refuses the request, with a pointer to it. Accepted requests are applied at once (Klaviyo
 * answers 202 without a job to follow, so nothing can observe the delay):
 * - on a double opt-in list, without historical_import, each email subscription sends a
 *   confirmation email and changes no consent until it is answered;
 * - otherwise the profile is subscribed (created if unknown) and added to the list, and its
 *   UNSUBSCRIBE, SPAM_COMPLAINT and USER_SUPPRESSED suppressions are lifted, as the spec warns.
 */

/** Spec: "Maximum number of profiles can be submitted for subscription: 1000". */
export const MAX_PROFILES_PER_SUBSCRIBE = 1_000;

const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const JOB_KEYS = new Set(['type', 'attributes', 'relationships']);
const JOB_ATTRIBUTE_KEYS = new Set(['custom_source', 'profiles', 'historical_import']);
const PROFILE_KEYS = new Set(['type', 'id', 'attributes']);
const PROFILE_ATTRIBUTE_KEYS = new Set(['email', 'phone_number', 'subscriptions', 'age_gated_date_of_birth']);
/** Spec: SubscriptionChannels; the sandbox serves email and SMS and refuses the others' absence of support loudly. */
const CHANNELS = new Set(['email', 'sms', 'whatsapp', 'push']);
const SERVED_CHANNELS = new Set(['email', 'sms']);

interface Subscription {
  email: string | undefined;
  phoneNumber: string | undefined;
  channels: { email?: number; sms?: number };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string, pointer: string): JsonApiError {
  return jsonApiError(400, 'invalid', INVALID_TITLE, detail, { pointer });
}

function unknownKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>, pointer: string, resource: string): JsonApiError[] {
  return Object.keys(value)
    .filter((key) => !allowed.has(key))
    .map((key) => invalid(`'${key}' is not a valid field for the resource '${resource}'.`, `${pointer}/${key}`));
}

/** One channel's `marketing` object: consent SUBSCRIBED, and consented_at exactly when historical. */
function readMarketing(
  marketing: unknown,
  pointer: string,
  historicalImport: boolean,
  now: number,
  errors: JsonApiError[],
): number | undefined {
  if (!isObject(marketing)) {
    errors.push(invalid("'marketing' is required.", pointer));
    return undefined;
  }
  if (marketing.consent !== 'SUBSCRIBED') errors.push(invalid("'consent' must be 'SUBSCRIBED'.", `${pointer}/consent`));
  const consentedAt = marketing.consented_at;
  if (consentedAt === undefined || consentedAt === null) {
    if (historicalImport) errors.push(invalid("'consented_at' is required when 'historical_import' is true.", `${pointer}/consented_at`));
    return now;
  }
  if (!historicalImport) {
    errors.push(invalid("'consented_at' can only be provided when 'historical_import' is true.", `${pointer}/consented_at`));
    return undefined;
  }
  const epochMs = typeof consentedAt === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(consentedAt) ? Date.parse(consentedAt) : Number.NaN;
  if (Number.isNaN(epochMs)) {
    errors.push(invalid("'consented_at' must be a date-time.", `${pointer}/consented_at`));
    return undefined;
  }
  if (epochMs > now) errors.push(invalid("'consented_at' must be in the past.", `${pointer}/consented_at`));
  return epochMs;
}

function readProfile(
  value: unknown,
  index: number,
  historicalImport: boolean,
  now: number,
  errors: JsonApiError[],
): Subscription | undefined {
  const pointer = `/data/attributes/profiles/data/${index}`;
  const before = errors.length;
  if (!isObject(value) || value.type !== 'profile' || !isObject(value.attributes)) {
    errors.push(invalid("A profile needs type 'profile' and attributes.", pointer));
    return undefined;
  }
  errors.push(...unknownKeys(value, PROFILE_KEYS, pointer, 'profile'));
  const attributes = value.attributes;
  errors.push(...unknownKeys(attributes, PROFILE_ATTRIBUTE_KEYS, `${pointer}/attributes`, 'profile'));
  const email = typeof attributes.email === 'string' ? attributes.email : undefined;
  const phoneNumber = typeof attributes.phone_number === 'string' ? attributes.phone_number : undefined;
  if (email !== undefined && !EMAIL_PATTERN.test(email)) errors.push(invalid('Invalid email address.', `${pointer}/attributes/email`));
  if (phoneNumber !== undefined && !E164_PATTERN.test(phoneNumber)) {
    errors.push(invalid('Invalid phone number format (Example of a valid format: +12345678901).', `${pointer}/attributes/phone_number`));
  }
  if (email === undefined && phoneNumber === undefined)
    errors.push(invalid('Either email or phone_number is required.', `${pointer}/attributes`));
  const subscriptions = attributes.subscriptions;
  const channels: Subscription['channels'] = {};
  if (!isObject(subscriptions)) {
    errors.push(invalid("'subscriptions' is required.", `${pointer}/attributes/subscriptions`));
    return undefined;
  }
  for (const [channel, settings] of Object.entries(subscriptions)) {
    const channelPointer = `${pointer}/attributes/subscriptions/${channel}`;
    if (!CHANNELS.has(channel)) {
      errors.push(invalid(`'${channel}' is not a valid subscription channel.`, channelPointer));
      continue;
    }
    if (!SERVED_CHANNELS.has(channel)) {
      errors.push(invalid(`The sandbox does not serve the '${channel}' channel.`, channelPointer));
      continue;
    }
    const consentAt = readMarketing(
      isObject(settings) ? settings.marketing : undefined,
      `${channelPointer}/marketing`,
      historicalImport,
      now,
      errors,
    );
    if (channel === 'email') {
      if (email === undefined) errors.push(invalid('An email subscription needs an email address.', `${pointer}/attributes/email`));
      channels.email = consentAt;
    } else {
      if (phoneNumber === undefined)
        errors.push(invalid('An SMS subscription needs a phone number.', `${pointer}/attributes/phone_number`));
      channels.sms = consentAt;
    }
  }
  return errors.length === before ? { email, phoneNumber, channels } : undefined;
}

export const createSubscriptionJob: RouteHandler = (request, state): ApiResponse => {
  const body = request.body;
  const data = isObject(body) ? body.data : undefined;
  if (!isObject(data) || data.type !== 'profile-subscription-bulk-create-job' || !isObject(data.attributes)) {
    return failWith(400, 'invalid', INVALID_TITLE, "The body needs data of type 'profile-subscription-bulk-create-job' with attributes.", {
      pointer: '/data',
    });
  }
  const errors = [...unknownKeys(data, JOB_KEYS, '/data', 'profile-subscription-bulk-create-job')];
  const attributes = data.attributes;
  errors.push(...unknownKeys(attributes, JOB_ATTRIBUTE_KEYS, '/data/attributes', 'profile-subscription-bulk-create-job'));
  const historical = attributes.historical_import;
  if (historical !== undefined && historical !== null && typeof historical !== 'boolean') {
    errors.push(invalid("'historical_import' must be a boolean.", '/data/attributes/historical_import'));
  }
  const customSource = typeof attributes.custom_source === 'string' ? attributes.custom_source : undefined;
  const profiles = isObject(attributes.profiles) ? attributes.profiles.data : undefined;
  if (!Array.isArray(profiles) || profiles.length === 0) {
    return errorResponse(400, [...errors, invalid('At least one profile is required.', '/data/attributes/profiles/data')]);
  }
  if (profiles.length > MAX_PROFILES_PER_SUBSCRIBE) {
    return errorResponse(400, [
      ...errors,
      invalid(`At most ${MAX_PROFILES_PER_SUBSCRIBE} profiles can be subscribed in one request.`, '/data/attributes/profiles/data'),
    ]);
  }
  const relationships = isObject(data.relationships) ? data.relationships : {};
  const listData = isObject(relationships.list) ? relationships.list.data : undefined;
  const listId = isObject(listData) && listData.type === 'list' && typeof listData.id === 'string' ? listData.id : undefined;
  if (relationships.list !== undefined && listId === undefined) {
    errors.push(invalid("The list relationship needs data of type 'list' with an id.", '/data/relationships/list/data'));
  }
  const historicalImport = historical === true;
  const subscriptions = profiles.map((profile, index) => readProfile(profile, index, historicalImport, request.now, errors));
  const refusedIndices = subscriptions.flatMap((subscription, index) =>
    subscription?.email !== undefined && state.faults.isRefusedSubscription(subscription.email) ? [index] : [],
  );
  if (refusedIndices.length > 0 && state.faults.refuseSubscribeEmailsAs === 'none') {
    errors.push(invalid('An email address was refused.', '/data'));
  } else {
    for (const index of refusedIndices) {
      errors.push(invalid('The email address was refused.', `/data/attributes/profiles/data/${index}/attributes/email`));
    }
  }
  if (errors.length > 0) return errorResponse(400, errors);

  const list = listId === undefined ? undefined : state.store.list(listId);
  if (listId !== undefined && list === undefined) {
    return failWith(404, 'not_found', 'Not found.', `A list with id ${listId} does not exist.`, {
      pointer: '/data/relationships/list/data/id',
    });
  }
  const isDoubleOptIn = list?.optInProcess === 'double_opt_in' && !historicalImport;
  for (const subscription of subscriptions) {
    if (subscription === undefined) continue;
    const attributesToStore: Record<string, unknown> = {};
    if (subscription.email !== undefined) attributesToStore.email = subscription.email;
    if (subscription.phoneNumber !== undefined) attributesToStore.phone_number = subscription.phoneNumber;
    const profile =
      (subscription.email === undefined ? undefined : state.store.profileByEmail(subscription.email)) ??
      state.store.upsertProfile(attributesToStore, request.now);
    if (profile === undefined) continue;
    if (subscription.phoneNumber !== undefined && profile.attributes.phone_number === undefined) {
      profile.attributes.phone_number = subscription.phoneNumber;
    }
    let isSubscribed = false;
    for (const channel of ['email', 'sms'] as const) {
      const consentAt = subscription.channels[channel];
      if (consentAt === undefined) continue;
      if (channel === 'email' && isDoubleOptIn && list !== undefined) {
        state.consent.sendConfirmation(profile, list.id);
        continue;
      }
      state.consent.subscribe(profile, channel, { listId, consentAt, now: request.now, customSource });
      isSubscribed = true;
    }
    if (isSubscribed && list !== undefined) state.store.addMember(list, profile, request.now);
  }
  state.consent.countSubscribeRequest(profiles.length);
  return ok(undefined, 202);
};
