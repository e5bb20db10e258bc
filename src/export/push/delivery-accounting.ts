import type { ClientStats } from '../../klaviyo/klaviyo-client.js';
import type { ProfileMapping } from '../../mapping/mapping-spec.js';
import { addLine, emptyLineList, type DeliverySummary } from '../../report/run-summary.js';
import { attributesToFields } from './attributes-to-fields.js';
import type { DeliveryEvents, DeliveryResult } from '../delivery/delivery-types.js';
import type { PushEvent } from '../events/push-events.js';
import { ReasonTally } from '../rejects/reason-tally.js';
import type { LateRejects } from '../rejects/late-rejects.js';
import type { RejectsFile } from '../rejects/rejects-file.js';
import { summarizeDelivery } from '../summary/summarize-run.js';

/**
 * Every profile delivery did not deliver, counted by reason and line for the summary and written to
 * the rejects file; accepted and confirmed requests go out as events.
 */
export class DeliveryAccounting {
  readonly #refused = new ReasonTally();
  readonly #notDelivered = emptyLineList();
  readonly #unconfirmed = emptyLineList();
  readonly #rejects: RejectsFile | undefined;
  readonly #late: LateRejects | undefined;
  readonly #mapping: ProfileMapping;
  readonly #emit: (event: PushEvent) => void;
  readonly #batches: number;

  /**
   * With `late`, rows go there, to be written with their original columns once the run ends;
   * without it (standard input cannot be read again), they are written at once with the values sent.
   */
  constructor(options: {
    rejects: RejectsFile | undefined;
    late?: LateRejects | undefined;
    mapping: ProfileMapping;
    batches: number;
    emit: (event: PushEvent) => void;
  }) {
    this.#rejects = options.rejects;
    this.#late = options.late;
    this.#mapping = options.mapping;
    this.#batches = options.batches;
    this.#emit = options.emit;
  }

  /** The callbacks deliverBatches reports through. */
  events(): DeliveryEvents {
    return {
      onUndelivered: (profile) => {
        if (profile.kind === 'refused') this.#refused.add(profile.reason, profile.description, profile.line, profile.element);
        else addLine(this.#notDelivered, profile.line, profile.element);
        const row = { line: profile.line, index: profile.element, reason: profile.reason, detail: profile.detail };
        if (this.#late) this.#late.add({ ...row, element: profile.element, email: emailOf(profile.attributes) });
        else this.#rejects?.add({ ...row, fields: attributesToFields(profile.attributes, this.#mapping) });
      },
      onAccepted: (batch, job) =>
        this.#emit({ type: 'accepted', batch: batch.index, batches: this.#batches, jobId: job.id, profiles: batch.profiles }),
      onFinished: (_batch, job) => this.#emit({ type: 'confirmed', jobId: job.id, imported: job.completedCount }),
      onUnconfirmed: (line, jobId, element) => {
        addLine(this.#unconfirmed, line, element);
        const detail = `Sent in Klaviyo import job ${jobId}, which was not followed to its end; run the same command again to follow it up.`;
        if (this.#late) this.#late.add({ line, element, reason: 'unconfirmed', detail });
        // From standard input: parsing every request body back would cost more than it tells.
        else this.#rejects?.add({ line, index: element, reason: 'unconfirmed', detail, fields: {} });
      },
    };
  }

  summarize(result: DeliveryResult, stats: ClientStats): DeliverySummary {
    return summarizeDelivery(result, {
      refusedByKlaviyo: this.#refused.toList(),
      notDelivered: this.#notDelivered,
      unconfirmed: this.#unconfirmed,
      requests: stats,
    });
  }
}

function emailOf(attributes: Record<string, unknown> | undefined): string | undefined {
  const email = attributes?.email;
  return typeof email === 'string' ? email : undefined;
}
