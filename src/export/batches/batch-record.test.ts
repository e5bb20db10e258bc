import { describe, expect, it } from 'vitest';
import { mergeBatchRecords } from './batch-record.js';

const refusal = (position: number, reason = 'klaviyo_invalid') => ({ position, reason, description: 'Invalid input.', detail: 'bad' });

describe('mergeBatchRecords', () => {
  it('is nothing when no part reached a job', () => {
    expect(mergeBatchRecords([], [refusal(0)])).toBeUndefined();
  });

  it('adds the parts up, with the refusals at upload, in staged order, under the first job', () => {
    const merged = mergeBatchRecords(
      [
        { jobId: 'job-a', imported: 3, refusals: [refusal(5, 'klaviyo_import')], unexplained: 1 },
        { jobId: 'job-b', imported: 2, refusals: [refusal(1, 'klaviyo_import')], unexplained: 0, unattributed: 2 },
      ],
      [refusal(7), refusal(0)],
    );
    expect(merged).toEqual({
      jobId: 'job-a',
      imported: 5,
      refusals: [refusal(0), refusal(1, 'klaviyo_import'), refusal(5, 'klaviyo_import'), refusal(7)],
      unexplained: 1,
      unattributed: 2,
    });
  });
});
