import type { ClientStats } from '../klaviyo/klaviyo-client.js';
import type { ProfileMapping } from '../mapping/mapping-spec.js';
import { addLine, emptyLineList, type DeliverySummary } from '../report/run-summary.js';
import { attributesToFields } from './attributes-to-fields.js';
import type { DeliveryEvents, DeliveryResult } from './delivery-types.js';
import type { PushEvent } from './push-events.js';
import { ReasonTally } from './reason-tally.js';
import type { RejectsFile } from './rejects-file.js';
import { summarizeDelivery } from './summarize-run.js';

/**
 * Every profile delivery did not deliver, counted by reason and line for the summary and written to
 * the rejects file; accepted and confirmed requests go out as events.
 */
export class DeliveryAccounting {
  readonly #refused = new ReasonTally();
  readonly #notDelivered = emptyLineList();
  readonly #unconfirmed = emptyLineList();
  readonly #rejects: RejectsFile | undefined;
  readonly #mapping: ProfileMapping;
  readonly #emit: (event: PushEvent) => void;
  readonly #batches: number;

  constructor(options: { rejects: RejectsFile | undefined; mapping: ProfileMapping; batches: number; emit: (event: PushEvent) => void }) {
    this.#rejects = options.rejects;
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
        const fields = attributesToFields(profile.attributes, this.#mapping);
        this.#rejects?.add({ line: profile.line, index: profile.element, reason: profile.reason, detail: profile.detail, fields });
      },
      onAccepted: (batch, job) =>
        this.#emit({ type: 'accepted', batch: batch.index, batches: this.#batches, jobId: job.id, profiles: batch.profiles }),
      onFinished: (_batch, job) => this.#emit({ type: 'confirmed', jobId: job.id, imported: job.completedCount }),
      onUnconfirmed: (line, jobId, element) => {
        addLine(this.#unconfirmed, line, element);
        // Its values are in the file at that line: parsing every request body back would cost more than it tells.
        this.#rejects?.add({
          line,
          index: element,
          reason: 'unconfirmed',
          detail: `Sent in Klaviyo import job ${jobId}, which was not followed to its end; run the same command again to follow it up.`,
          fields: {},
        });
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
