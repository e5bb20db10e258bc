import { describe, expect, it } from 'vitest';
import { AuthError, KlaviyoApiError } from '../../errors.js';
import { MemoryJournal } from '../../state/delivery-journal.js';
import { profileResourcesOf } from '../batches/batch-contents.js';
import {
  emailOfLine,
  expectEveryProfileAccountedFor,
  FakeKlaviyo,
  linesOf,
  runDelivery,
  type ProfileFate,
} from './delivery-fakes.test-support.js';

const invalid = (title: string): ProfileFate => ({ kind: 'invalid', code: 'invalid_email', title });
const failed = (namedBy: 'pointer' | 'payload' | 'nobody'): ProfileFate => ({
  kind: 'failed',
  code: 'duplicate_profile',
  title: 'Duplicate profile',
  namedBy,
});

describe('deliverBatches: a clean run', () => {
  it('imports every profile of every batch and follows each job to its end', async () => {
    const run = await runDelivery({ sizes: [3, 3, 2] });
    expectEveryProfileAccountedFor(run);
    expect(run.result).toMatchObject({ accepted: 8, imported: 8, refused: 0, notDelivered: 0, unconfirmed: 0, resubmittedJobs: 0 });
    expect(run.result.jobs.map((j) => [j.batch, j.job.status]).sort()).toEqual([
      [0, 'complete'],
      [1, 'complete'],
      [2, 'complete'],
    ]);
  });
});

describe('deliverBatches: a 400 that names profiles', () => {
  it('refuses the named profiles with Klaviyo’s code and title and re-sends the rest without them', async () => {
    const fates = new Map([[3, invalid('Invalid email address')]]);
    const run = await runDelivery({ sizes: [4], script: { fates } });
    expectEveryProfileAccountedFor(run);
    expect(run.undelivered).toEqual([
      expect.objectContaining({
        line: 3,
        kind: 'refused',
        reason: 'klaviyo_invalid_email',
        description: 'Invalid email address',
        attributes: { email: emailOfLine(3) },
      }),
    ]);
    expect(run.fake.posts.map((p) => p.lines)).toEqual([
      [2, 3, 4, 5],
      [2, 4, 5],
    ]);
    const resent = profileResourcesOf(run.fake.posts[1]!.body).map((r) => r.attributes?.email);
    expect(resent).toEqual([emailOfLine(2), emailOfLine(4), emailOfLine(5)]);
    expect(run.fake.posts[1]!.body).toContain('"relationships":{"lists":{"data":[{"type":"list","id":"LIST01"}]}}');
    expect(run.result).toMatchObject({ accepted: 3, imported: 3, refused: 1 });
  });

  it('maps pointers back to the right source lines after two rounds of removal', async () => {
    // Klaviyo names one profile per answer: line 4 (index 2), then line 6 (index 3 of the shorter request).
    const fates = new Map([
      [4, invalid('first')],
      [6, invalid('second')],
      [8, failed('pointer')],
    ]);
    const run = await runDelivery({ sizes: [7], script: { fates, namedPerInvalidAnswer: 1 } });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.posts.map((p) => p.lines)).toEqual([
      [2, 3, 4, 5, 6, 7, 8],
      [2, 3, 5, 6, 7, 8],
      [2, 3, 5, 7, 8],
    ]);
    expect(run.undelivered.map((p) => [p.line, p.description])).toEqual([
      [4, 'first'],
      [6, 'second'],
      [8, 'Duplicate profile'],
    ]);
    expect(run.result).toMatchObject({ accepted: 5, imported: 4, refused: 3 });
  });

  it('gives the whole batch up, with the reason, when the 400 is about the request itself (its list)', async () => {
    const run = await runDelivery({
      sizes: [2, 3],
      concurrency: 1,
      script: {
        onPost: (request) =>
          request.number === 1
            ? {
                kind: 'invalid',
                errors: [{ title: 'Bad', detail: 'Malformed request for x@y.com', pointer: '/data/relationships/lists/data/0/id' }],
              }
            : undefined,
      },
    });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.posts).toHaveLength(2);
    expect(linesOf(run.undelivered, 'not-delivered')).toEqual([2, 3]);
    expect(run.undelivered[0]!.description).toBe('Klaviyo refused the whole request: Malformed request for <email>');
    expect(run.result).toMatchObject({ accepted: 3, imported: 3, notDelivered: 2 });
  });

  it('keeps removing profiles when Klaviyo names one bad profile per answer, and delivers the rest', async () => {
    const fates = new Map([
      [2, invalid('a')],
      [3, invalid('b')],
      [4, invalid('c')],
      [5, invalid('d')],
    ]);
    const run = await runDelivery({ sizes: [6], script: { fates, namedPerInvalidAnswer: 1 } });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.posts).toHaveLength(5);
    expect(linesOf(run.undelivered, 'refused')).toEqual([2, 3, 4, 5]);
    expect(run.result).toMatchObject({ accepted: 2, imported: 2, refused: 4, notDelivered: 0 });
  });

  it('keeps stripping for as long as answers name new profiles: no round cap gives good profiles up', async () => {
    const fates = new Map(Array.from({ length: 55 }, (_, i) => [i + 2, invalid(`p${i}`)] as const));
    const run = await runDelivery({ sizes: [60], script: { fates, namedPerInvalidAnswer: 1 } });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.posts).toHaveLength(56);
    expect(linesOf(run.undelivered, 'refused')).toEqual([...fates.keys()]);
    expect(run.fake.importedLines.sort((a, b) => a - b)).toEqual([57, 58, 59, 60, 61]);
    expect(run.result).toMatchObject({ accepted: 5, imported: 5, refused: 55, notDelivered: 0 });
  });

  it('refuses every profile, and sends nothing more, when each one is named', async () => {
    const fates = new Map([
      [2, invalid('a')],
      [3, invalid('b')],
    ]);
    const run = await runDelivery({ sizes: [2], script: { fates } });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.posts).toHaveLength(1);
    expect(run.result).toMatchObject({ accepted: 0, refused: 2 });
  });
});

describe('deliverBatches: a 400 that names nobody', () => {
  it('splits the request in halves down to single profiles: only the profiles refused alone are rejected', async () => {
    const fates = new Map([
      [5, invalid('The email address was refused.')],
      [12, invalid('The email address was refused.')],
      [13, invalid('The email address was refused.')],
    ]);
    const run = await runDelivery({ sizes: [16], script: { fates, isInvalidAnswerUnnamed: true } });
    expectEveryProfileAccountedFor(run);
    expect(linesOf(run.undelivered, 'refused')).toEqual([5, 12, 13]);
    expect(run.undelivered.map((p) => p.detail)).toEqual(expect.arrayContaining(['One or more profiles are invalid.']));
    const good = Array.from({ length: 16 }, (_, i) => i + 2).filter((line) => !fates.has(line));
    expect(run.fake.importedLines.sort((a, b) => a - b)).toEqual(good);
    expect(run.result).toMatchObject({ accepted: 13, imported: 13, refused: 3, notDelivered: 0 });
    // Every refused single profile was sent alone; about k·log2(n) requests in all (3 × 4 × 2 at most).
    expect(run.fake.posts.filter((p) => p.lines.length === 1).map((p) => p.lines[0])).toEqual(expect.arrayContaining([5, 12, 13]));
    expect(run.fake.posts.length).toBeLessThanOrEqual(1 + 3 * 4 * 2);
    // Each accepted part is its own job, and the batch is confirmed once all of them are.
    expect(new Set(run.result.jobs.map((j) => j.batch))).toEqual(new Set([0]));
  });

  it('costs one request and one job when nothing is refused, and few when one profile is', async () => {
    const fates = new Map([[700, invalid('refused')]]);
    const run = await runDelivery({ sizes: [1000], script: { fates, isInvalidAnswerUnnamed: true } });
    expectEveryProfileAccountedFor(run);
    expect(linesOf(run.undelivered, 'refused')).toEqual([700]);
    expect(run.result.imported).toBe(999);
    // One bad profile among 1,000: each level sends two halves, 10 levels.
    expect(run.fake.posts.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(1000)));
  });

  it('gives up, within its budget of refusals, a request Klaviyo refuses whatever its half: about 28 requests for 64 profiles, not 127', async () => {
    const run = await runDelivery({
      sizes: [64],
      script: { onPost: () => ({ kind: 'invalid', errors: [{ code: 'invalid', detail: 'Invalid input.', pointer: '/data' }] }) },
    });
    expectEveryProfileAccountedFor(run);
    // Halving without end cost 2·64 - 1 = 127 requests; the budget is 4·(log2(64) + 1) = 28 refusals,
    // and halves already in their upload slot (2 at this concurrency) may still go.
    expect(run.fake.posts.length).toBeGreaterThanOrEqual(28);
    expect(run.fake.posts.length).toBeLessThanOrEqual(28 + 2);
    expect(run.result).toMatchObject({ accepted: 0, imported: 0, refused: 64, notDelivered: 0 });
    // Halves go side by side, level by level: the budget runs out before any profile is sent alone.
    expect(new Set(run.undelivered.map((p) => p.reason))).toEqual(new Set(['klaviyo_refusal_unresolved']));
    const unresolved = run.undelivered.filter((p) => p.reason === 'klaviyo_refusal_unresolved');
    expect(unresolved.length).toBeGreaterThan(0);
    expect(unresolved[0]!.description).toMatch(/without naming which profile it refused, 28 times: given up/);
    expect(run.outcomes.refusedByKlaviyo).toEqual([expect.objectContaining({ reason: 'klaviyo_refusal_unresolved', count: 64 })]);
  });

  it('strips a profile named by a later answer while bisecting', async () => {
    const fates = new Map([
      [3, invalid('named')],
      [8, invalid('unnamed')],
    ]);
    let posts = 0;
    const run = await runDelivery({
      sizes: [8],
      script: {
        fates,
        // The first answer names nobody; later ones name the profiles.
        onPost: () =>
          ++posts === 1 ? { kind: 'invalid', errors: [{ code: 'invalid', detail: 'Invalid.', pointer: '/data' }] } : undefined,
      },
    });
    expectEveryProfileAccountedFor(run);
    expect(linesOf(run.undelivered, 'refused')).toEqual([3, 8]);
    expect(run.result).toMatchObject({ imported: 6, refused: 2 });
  });
});

describe('deliverBatches: cancelled jobs', () => {
  it('resubmits a cancelled batch and counts the resubmission', async () => {
    const run = await runDelivery({
      sizes: [2, 2],
      concurrency: 1,
      script: { finalStatus: (r) => (r.number === 1 ? 'cancelled' : 'complete') },
    });
    expectEveryProfileAccountedFor(run);
    expect(run.result).toMatchObject({ accepted: 4, imported: 4, resubmittedJobs: 1 });
    expect(run.fake.posts.filter((p) => p.lines[0] === 2)).toHaveLength(2);
  });

  it('gives the batch up after maxResubmits resubmissions', async () => {
    const run = await runDelivery({ sizes: [3], resubmits: { maxResubmits: 2 }, script: { finalStatus: () => 'cancelled' } });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.posts).toHaveLength(3);
    expect(run.result).toMatchObject({ accepted: 3, notDelivered: 3, resubmittedJobs: 2 });
    expect(run.undelivered[0]!.description).toBe('Klaviyo cancelled the import job 3 times; nothing of it was applied.');
  });
});

describe('deliverBatches: resubmitting cancelled jobs with backoff', () => {
  it('sends a batch again as often as Klaviyo cancels it, within --job-timeout, not a fixed 3 times', async () => {
    const run = await runDelivery({
      sizes: [4],
      resubmits: { jobTimeoutMs: 30 * 60_000 },
      script: { finalStatus: (r) => (r.number <= 6 ? 'cancelled' : 'complete') },
    });
    expectEveryProfileAccountedFor(run);
    expect(run.result).toMatchObject({ accepted: 4, imported: 4, resubmittedJobs: 6, notDelivered: 0 });
    expect(run.fake.posts).toHaveLength(7);
    // The pauses before each resubmission (random 0.5: three quarters of 1 s doubling to 30 s), beside the polls' slices.
    expect(run.time.delays.filter((ms) => ms > 200)).toEqual([750, 1500, 3000, 6000, 12_000, 22_500]);
  });

  it('gives the batch up once the next pause would end past --job-timeout, saying so', async () => {
    const run = await runDelivery({ sizes: [3], resubmits: { jobTimeoutMs: 60_000 }, script: { finalStatus: () => 'cancelled' } });
    expectEveryProfileAccountedFor(run);
    expect(run.result).toMatchObject({ accepted: 3, imported: 0, notDelivered: 3 });
    // Jobs end about 1 s after they are accepted; pauses 0.75, 1.5, 3, 6, 12, 22.5 s: the 7th cancellation is past 60 s.
    expect(run.fake.posts).toHaveLength(7);
    expect(run.undelivered[0]!.description).toBe(
      'Klaviyo cancelled the import job 7 times within --job-timeout; nothing of it was applied.',
    );
  });

  it('without a job timeout, resubmits a batch 10 times at most', async () => {
    const run = await runDelivery({ sizes: [2], resubmits: {}, script: { finalStatus: () => 'cancelled' } });
    expect(run.fake.posts).toHaveLength(10);
    expect(run.undelivered[0]!.description).toMatch(/cancelled the import job 10 times, as it cancelled every job of the run lately/);
  });

  it('stops resubmitting every batch at once when every job of the run is being cancelled', async () => {
    const run = await runDelivery({
      sizes: Array.from({ length: 12 }, () => 2),
      resubmits: {},
      script: { finalStatus: () => 'cancelled' },
    });
    expectEveryProfileAccountedFor(run);
    expect(run.result).toMatchObject({ imported: 0, notDelivered: 24 });
    // 12 batches resubmitted 10 times each would be 132 requests; the run gives up after 10 cancellations in a row.
    expect(run.fake.posts.length).toBeLessThanOrEqual(10 + 12);
    expect(run.undelivered.every((p) => /cancelled/.test(p.description))).toBe(true);
    expect(run.undelivered.some((p) => /as it cancelled every job of the run lately/.test(p.description))).toBe(true);
  });

  it('keeps resubmitting when other jobs complete between the cancellations', async () => {
    // Every odd request's job is cancelled: half of all jobs, but never ten in a row.
    const run = await runDelivery({
      sizes: Array.from({ length: 20 }, () => 1),
      resubmits: {},
      script: { finalStatus: (r) => (r.number % 2 === 1 ? 'cancelled' : 'complete') },
    });
    expectEveryProfileAccountedFor(run);
    expect(run.result).toMatchObject({ imported: 20, notDelivered: 0 });
  });
});

describe('deliverBatches: refusals found after the import', () => {
  it('names refusals by pointer and by original_payload email over several pages', async () => {
    const fates = new Map([
      [3, failed('pointer')],
      [5, failed('payload')],
      [6, failed('pointer')],
      [8, failed('payload')],
    ]);
    const withFates = await runDelivery({ sizes: [8], script: { fates } });
    expectEveryProfileAccountedFor(withFates);
    expect(linesOf(withFates.undelivered, 'refused')).toEqual([3, 5, 6, 8]);
    expect(withFates.undelivered[0]).toMatchObject({
      reason: 'klaviyo_duplicate_profile',
      description: 'Duplicate profile',
      attributes: { email: emailOfLine(3) },
    });
    expect(withFates.result).toMatchObject({ accepted: 8, imported: 4, refused: 4 });
  });

  it('counts failures Klaviyo does not list as refused, without lines', async () => {
    const fates = new Map([
      [2, failed('pointer')],
      [3, failed('nobody')],
      [4, failed('nobody')],
    ]);
    const run = await runDelivery({ sizes: [5], script: { fates } });
    expectEveryProfileAccountedFor(run, 2);
    expect(linesOf(run.undelivered)).toEqual([2]);
    expect(run.result).toMatchObject({ imported: 2, refused: 3 });
  });

  it('counts the profiles a complete job does not account for as refused, so the run is not reported as delivered', async () => {
    const fates = new Map<number, ProfileFate>([
      [4, { kind: 'dropped' }],
      [5, { kind: 'dropped' }],
    ]);
    const run = await runDelivery({ sizes: [6], script: { fates } });
    expectEveryProfileAccountedFor(run, 2);
    expect(run.result).toMatchObject({ accepted: 6, imported: 4, refused: 2, notDelivered: 0 });
  });
});

describe('deliverBatches: requests that fail', () => {
  it('does not deliver a batch whose POST failed after the retries, and goes on with the others', async () => {
    const run = await runDelivery({
      sizes: [2, 2],
      concurrency: 1,
      script: { onPost: (request) => (request.number === 1 ? new KlaviyoApiError('POST answered 503 after 4 attempts.', 503) : undefined) },
    });
    expectEveryProfileAccountedFor(run);
    expect(run.undelivered.map((p) => [p.line, p.reason, p.description])).toEqual([
      [2, 'not_delivered', 'Klaviyo did not accept the request: POST answered 503 after 4 attempts.'],
      [3, 'not_delivered', 'Klaviyo did not accept the request: POST answered 503 after 4 attempts.'],
    ]);
    expect(run.result).toMatchObject({ accepted: 2, imported: 2, notDelivered: 2 });
  });

  it('stops new uploads on a local failure after the first write, lets the requests in flight end, and accounts for every profile', async () => {
    const diskFull = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const journal = new MemoryJournal();
    const recordSubmitted = journal.recordSubmitted.bind(journal);
    journal.recordSubmitted = (batchIndex, jobId) => (batchIndex === 1 ? Promise.reject(diskFull) : recordSubmitted(batchIndex, jobId));
    const fake = new FakeKlaviyo({});
    const run = await runDelivery({ sizes: [2, 2, 2, 2, 2, 2], concurrency: 1, journal, fake });
    expect(run.result.stoppedBy).toMatch(
      /^Stopped after uploads had begun, on a local failure: the disk is full \(ENOSPC\)\..*checkpoint is kept/,
    );
    // The first request went through, the second met the full disk; no upload started after it.
    expect(fake.posts).toHaveLength(2);
    expectEveryProfileAccountedFor(run);
    expect(run.result).toMatchObject({ imported: 2, notDelivered: 10 });
    expect(linesOf(run.undelivered, 'not-delivered')).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('accounts for a batch whose staged body cannot be read as not delivered, naming the stop', async () => {
    const unreadable = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    const run = await runDelivery({
      sizes: [2, 2, 2],
      concurrency: 1,
      unreadableBody: (batchIndex) => (batchIndex === 1 ? unreadable : undefined),
    });
    expect(run.result.stoppedBy).toMatch(/an input\/output error \(EIO\)/);
    expectEveryProfileAccountedFor(run);
    expect(run.result).toMatchObject({ imported: 2, notDelivered: 4 });
  });

  it('throws a programming error (a TypeError) once the requests in flight end, never reporting it as a local failure', async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    let error: unknown;
    const fake = new FakeKlaviyo({ onPost: (r) => (r.number === 2 ? bug : undefined) });
    await runDelivery({ sizes: [2, 2, 2, 2, 2], concurrency: 1, fake }).catch((thrown: unknown) => (error = thrown));
    expect(error).toBe(bug);
    // No upload starts after the bug.
    expect(fake.posts).toHaveLength(2);
  });

  it('throws the AuthError when the key is refused before anything was sent', async () => {
    const denied = new AuthError('Klaviyo refused the API key (401).');
    await expect(runDelivery({ sizes: [2, 2, 2], script: { onPost: () => denied } })).rejects.toBe(denied);
  });

  it('sends no other upload after a first upload refused for a missing write scope, whatever the concurrency', async () => {
    const denied = new AuthError(
      'Klaviyo refused importing profiles into the list (403): the API key lacks the scopes lists:write, profiles:write.',
    );
    const fake = new FakeKlaviyo({ onPost: () => denied });
    await expect(runDelivery({ sizes: [2, 2, 2, 2, 2, 2], concurrency: 4, fake })).rejects.toBe(denied);
    expect(fake.posts).toHaveLength(1);
  });

  it('stops sending after an AuthError once some batches were sent, without throwing', async () => {
    const run = await runDelivery({
      sizes: [2, 2, 2],
      concurrency: 1,
      script: { onPost: (request) => (request.number === 2 ? new AuthError('Klaviyo refused the API key (401).') : undefined) },
    });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.posts).toHaveLength(2);
    expect(linesOf(run.undelivered, 'not-delivered')).toEqual([4, 5, 6, 7]);
    expect(run.result).toMatchObject({ accepted: 2, imported: 2, notDelivered: 4 });
  });

  it('leaves a job unconfirmed, without throwing, when polling meets a refused key', async () => {
    const run = await runDelivery({
      sizes: [2],
      script: {
        onPoll: () => {
          throw new AuthError('Klaviyo refused the API key (401).');
        },
      },
    });
    expectEveryProfileAccountedFor(run);
    expect(run.result).toMatchObject({ accepted: 2, unconfirmed: 2 });
  });

  it('counts a completed job as refused without lines when its import errors cannot be read', async () => {
    const fates = new Map([[2, failed('pointer')]]);
    const run = await runDelivery({
      sizes: [3],
      script: { fates, importErrorsFailure: new KlaviyoApiError('GET import-errors answered 500.', 500) },
    });
    expectEveryProfileAccountedFor(run, 1);
    expect(run.result).toMatchObject({ imported: 2, refused: 1 });
  });
});
