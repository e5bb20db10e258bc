import { describe, expect, it, vi } from 'vitest';
import { InterruptedError } from '../../errors.js';
import { MemoryJournal } from '../../state/delivery-journal.js';
import { expectEveryProfileAccountedFor, FakeKlaviyo, linesOf, runDelivery } from './delivery-fakes.test-support.js';

describe('deliverBatches: stopping', () => {
  it('does not send anything once stopped, and says so for every profile', async () => {
    const controller = new AbortController();
    controller.abort(new InterruptedError());
    const run = await runDelivery({ sizes: [2, 3], signal: controller.signal });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.posts).toEqual([]);
    expect(run.result).toMatchObject({ accepted: 0, notDelivered: 5 });
    expect(run.undelivered.every((p) => p.description === 'The run was stopped before this request was sent.')).toBe(true);
  });

  it('leaves accepted jobs unconfirmed and unsent batches not delivered when stopped mid-run', async () => {
    const controller = new AbortController();
    const run = await runDelivery({
      sizes: [2, 2, 2],
      concurrency: 1,
      signal: controller.signal,
      script: {
        onPost: (request) => (request.number === 2 ? (controller.abort(new InterruptedError()), undefined) : undefined),
        pollsBeforeFinal: 100,
      },
    });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.posts).toHaveLength(2);
    expect(run.result).toMatchObject({ accepted: 4, unconfirmed: 4, notDelivered: 2 });
    expect(linesOf(run.undelivered)).toEqual([6, 7]);
  });

  it('leaves jobs unconfirmed when stopped while waiting for them', async () => {
    const controller = new AbortController();
    const run = await runDelivery({
      sizes: [3, 3],
      signal: controller.signal,
      script: { pollsBeforeFinal: 100, onPoll: () => controller.abort(new InterruptedError()) },
    });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.polls).toHaveLength(1);
    expect(run.result).toMatchObject({ accepted: 6, unconfirmed: 6, imported: 0 });
    expect(run.result.jobs).toHaveLength(2);
  });
});

describe('deliverBatches: --no-wait', () => {
  it('leaves every accepted job unconfirmed without polling', async () => {
    const run = await runDelivery({ sizes: [2, 2], wait: false });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.polls).toEqual([]);
    expect(run.result).toMatchObject({ accepted: 4, unconfirmed: 4 });
    expect(run.result.jobs.map((j) => j.job.id).sort()).toEqual(['job-1', 'job-2']);
  });
});

describe('deliverBatches: resuming from a journal', () => {
  it('does not send a confirmed batch again, and replays its counts and refusals', async () => {
    const journal = new MemoryJournal();
    const refusal = { position: 1, reason: 'klaviyo_duplicate_profile', description: 'Duplicate profile', detail: 'dup' };
    await journal.recordConfirmed(0, { jobId: 'old-job', imported: 1, refusals: [refusal], unexplained: 1 });
    const run = await runDelivery({ sizes: [3, 2], journal });
    expect(run.result.imported + run.result.refused + run.result.notDelivered + run.result.unconfirmed).toBe(5);
    expect(run.fake.posts.map((p) => p.lines)).toEqual([[5, 6]]);
    expect(run.result).toMatchObject({ accepted: 5, imported: 3, refused: 2, resumedBatches: 1 });
    expect(run.undelivered).toEqual([
      expect.objectContaining({ line: 3, kind: 'refused', reason: 'klaviyo_duplicate_profile', attributes: { email: 'p3@example.com' } }),
    ]);
  });

  it('follows a job submitted by the earlier run instead of sending its batch again', async () => {
    const journal = new MemoryJournal();
    await journal.recordSubmitted(0, 'old-job');
    const fake = new FakeKlaviyo();
    fake.seedJob('old-job', [2, 3]);
    const run = await runDelivery({ sizes: [2], journal, fake });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.posts).toEqual([]);
    expect(run.fake.polls).toEqual(['old-job']);
    expect(run.result).toMatchObject({ accepted: 2, imported: 2 });
    expect(journal.confirmedBatch(0)).toMatchObject({ jobId: 'old-job', imported: 2 });
  });

  it('sends the batch again when Klaviyo no longer knows the earlier job', async () => {
    const journal = new MemoryJournal();
    await journal.recordSubmitted(0, 'expired-job');
    const run = await runDelivery({ sizes: [2], journal });
    expectEveryProfileAccountedFor(run);
    expect(run.fake.posts.map((p) => p.lines)).toEqual([[2, 3]]);
    expect(run.result).toMatchObject({ accepted: 2, imported: 2 });
    expect(journal.confirmedBatch(0)?.jobId).toBe('job-1');
  });
});

describe('deliverBatches: uploads', () => {
  it('sends the first upload alone, then never more than `concurrency` at once, reading bodies only when sending', async () => {
    const waiting: (() => void)[] = [];
    let isOpen = false;
    const fake = new FakeKlaviyo({ postGate: () => (isOpen ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))) });
    const running = runDelivery({ sizes: [1, 1, 1, 1, 1, 1, 1], concurrency: 3, fake });
    await new Promise((resolve) => setImmediate(resolve));
    // The first upload proves the key may write: nothing else goes before its answer.
    expect(fake.postsInFlight).toBe(1);
    waiting.shift()!();
    await vi.waitFor(() => expect(fake.postsInFlight).toBe(3));
    isOpen = true;
    for (const resolve of waiting.splice(0)) resolve();
    const run = await running;
    expectEveryProfileAccountedFor(run);
    expect(fake.maxPostsInFlight).toBe(3);
    expect(run.result.imported).toBe(7);
  });

  it('reads a body only when its upload starts, not all at once', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const bodyReads: number[] = [];
    const fake = new FakeKlaviyo({ postGate: () => gate });
    const running = runDelivery({ sizes: [1, 1, 1, 1, 1], concurrency: 2, fake, bodyReads });
    await new Promise((resolve) => setImmediate(resolve));
    expect(bodyReads).toEqual([0]);
    release();
    await running;
    expect(bodyReads).toEqual([0, 1, 2, 3, 4]);
  });
});
