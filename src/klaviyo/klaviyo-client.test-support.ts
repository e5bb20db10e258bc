import { Secret } from '../config/secret.js';
import { createFakeTime, type FakeTime } from './fake-time.test-support.js';
import { createKlaviyoClient, type ClientEvent, type KlaviyoClient, type KlaviyoClientOptions } from './klaviyo-client.js';

export const BASE_URL = 'http://127.0.0.1:4010';
export const API_KEY = 'pk_test_0123456789abcdef0123456789abcdef';

export interface TestClient {
  client: KlaviyoClient;
  time: FakeTime;
  events: ClientEvent[];
}

/** A client against nock on 127.0.0.1, with a fake clock and no pacing unless asked. */
export function createTestClient(overrides: Partial<KlaviyoClientOptions> = {}): TestClient {
  const time = createFakeTime(Date.parse('2026-07-20T12:00:00Z'));
  const events: ClientEvent[] = [];
  const client = createKlaviyoClient({
    baseUrl: BASE_URL,
    apiKey: new Secret(API_KEY),
    userAgent: 'klaviyo-export/0.1.0',
    sleep: time.sleep,
    now: time.now,
    random: () => 0.5,
    rateLimits: 'off',
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { client, time, events };
}

export function jobDocument(id: string, status = 'queued'): object {
  return {
    data: {
      type: 'profile-bulk-import-job',
      id,
      attributes: {
        status,
        created_at: '2026-07-20T12:00:00+00:00',
        total_count: 3,
        completed_count: status === 'complete' ? 2 : null,
        failed_count: status === 'complete' ? 1 : null,
        completed_at: status === 'complete' ? '2026-07-20T12:01:00+00:00' : null,
        expires_at: null,
        started_at: null,
      },
      links: { self: `${BASE_URL}/api/profile-bulk-import-jobs/${id}` },
    },
    links: { self: `${BASE_URL}/api/profile-bulk-import-jobs/${id}` },
  };
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) result.push(item);
  return result;
}
