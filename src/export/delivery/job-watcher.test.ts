import { describe, expect, it } from 'vitest';
import { InterruptedError, JobTimeoutError, KlaviyoApiError } from '../../errors.js';
import { createFakeTime } from '../../klaviyo/fake-time.test-support.js';
import type { ImportJob } from '../../klaviyo/klaviyo-client.js';
import { JobWatcher } from './job-watcher.js';

const queued = (id: string): ImportJob => ({ id, status: 'queued', totalCount: 1, completedCount: 0, failedCount: 0 });

/** Answers `processing` until a job was polled `pollsUntilFinal[id]` times, then `complete`. */
function fakeJobsApi(pollsUntilFinal: Record<string, number>, failing: Record<string, Error> = {}) {
  const time = createFakeTime();
  const polls: { id: string; at: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const client = {
    getProfileImportJob: async (id: string): Promise<ImportJob> => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      polls.push({ id, at: time.now() });
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      const failure = failing[id];
      if (failure) throw failure;
      const count = polls.filter((poll) => poll.id === id).length;
      return { ...queued(id), status: count >= (pollsUntilFinal[id] ?? 1) ? 'complete' : 'processing' };
    },
  };
  return { time, polls, client, maxInFlight: () => maxInFlight };
}

describe('JobWatcher', () => {
  it('keeps polling a job whose status the spec does not name, warning once per status, until it is final', async () => {
    const time = createFakeTime();
    const statuses = ['validating', 'validating', 'importing', 'complete'];
    let polls = 0;
    const client = { getProfileImportJob: async (id: string): Promise<ImportJob> => ({ ...queued(id), status: statuses[polls++]! }) };
    const warned: string[] = [];
    const watcher = new JobWatcher({ client, sleep: time.sleep, now: time.now, onUnknownStatus: (job) => warned.push(job.status) });
    await expect(watcher.waitForFinal(queued('a'))).resolves.toMatchObject({ status: 'complete' });
    expect(polls).toBe(4);
    expect(warned).toEqual(['validating', 'importing']);
  });

  it('gives a job up at its timeout, looking one last time at the deadline, and keeps following the others', async () => {
    const api = fakeJobsApi({ slow: 1_000, quick: 2 });
    const watcher = new JobWatcher({
      client: api.client,
      sleep: api.time.sleep,
      now: api.time.now,
      maxPollMs: 10_000,
      jobTimeoutMs: 30_000,
    });
    const slow = watcher.waitForFinal(queued('slow')).catch((error: unknown) => error);
    const quick = watcher.waitForFinal(queued('quick'));
    await expect(quick).resolves.toMatchObject({ status: 'complete' });
    const error = await slow;
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect(error).toMatchObject({ jobId: 'slow' });
    const slowPolls = api.polls.filter((poll) => poll.id === 'slow').map((poll) => poll.at);
    expect(slowPolls.at(-1)).toBe(30_000);
    expect(slowPolls.every((at) => at <= 30_000)).toBe(true);
    expect(watcher.pending).toBe(0);
  });

  it('follows many jobs through one loop, with never more than one request in flight', async () => {
    const api = fakeJobsApi({ a: 3, b: 1, c: 4, d: 2 });
    const watcher = new JobWatcher({ client: api.client, sleep: api.time.sleep, now: api.time.now });
    const finals = await Promise.all(['a', 'b', 'c', 'd'].map((id) => watcher.waitForFinal(queued(id))));
    expect(finals.map((job) => job.status)).toEqual(['complete', 'complete', 'complete', 'complete']);
    expect(api.polls).toHaveLength(3 + 1 + 4 + 2);
    expect(api.maxInFlight()).toBe(1);
    expect(watcher.pending).toBe(0);
  });

  it('looks at a job less and less often, up to maxPollMs', async () => {
    const api = fakeJobsApi({ a: 7 });
    const watcher = new JobWatcher({ client: api.client, sleep: api.time.sleep, now: api.time.now, firstPollMs: 1_000, maxPollMs: 5_000 });
    await watcher.waitForFinal(queued('a'));
    const gaps = api.polls.map((poll, i) => poll.at - (api.polls[i - 1]?.at ?? 0));
    expect(gaps).toEqual([1_000, 1_500, 2_250, 3_375, 5_000, 5_000, 5_000]);
  });

  it('resolves a job that is already final without polling', async () => {
    const api = fakeJobsApi({});
    const watcher = new JobWatcher({ client: api.client, sleep: api.time.sleep, now: api.time.now });
    await expect(watcher.waitForFinal({ ...queued('a'), status: 'cancelled' })).resolves.toMatchObject({ status: 'cancelled' });
    expect(api.polls).toEqual([]);
  });

  it('rejects only the job whose poll failed', async () => {
    const expired = new KlaviyoApiError('GET job b answered 404.', 404);
    const api = fakeJobsApi({ a: 3 }, { b: expired });
    const watcher = new JobWatcher({ client: api.client, sleep: api.time.sleep, now: api.time.now });
    const [a, b] = await Promise.allSettled([watcher.waitForFinal(queued('a')), watcher.waitForFinal(queued('b'))]);
    expect(a).toMatchObject({ status: 'fulfilled', value: { id: 'a', status: 'complete' } });
    expect(b).toEqual({ status: 'rejected', reason: expired });
  });

  it('rejects every pending job when the signal aborts, and any later one at once', async () => {
    const controller = new AbortController();
    const stop = new InterruptedError();
    const api = fakeJobsApi({ a: 100, b: 100 });
    const watcher = new JobWatcher({
      client: api.client,
      sleep: api.time.sleep,
      now: api.time.now,
      signal: controller.signal,
      onPolled: () => controller.abort(stop),
    });
    const results = await Promise.allSettled([watcher.waitForFinal(queued('a')), watcher.waitForFinal(queued('b'))]);
    expect(results).toEqual([
      { status: 'rejected', reason: stop },
      { status: 'rejected', reason: stop },
    ]);
    expect(api.polls).toHaveLength(1);
    expect(watcher.pending).toBe(0);
    await expect(watcher.waitForFinal(queued('c'))).rejects.toBe(stop);
  });
});
