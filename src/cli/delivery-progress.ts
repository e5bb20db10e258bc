import { formatCount } from '../report/render-summary-text.js';
import type { RunLog } from './run-log.js';

/** The live line while sending: sent, confirmed, rate and ETA. */
export class DeliveryProgress {
  readonly #log: RunLog;
  readonly #total: number;
  readonly #now: () => number;
  readonly #startedAt: number;
  #sent = 0;
  #confirmed = 0;

  constructor(log: RunLog, total: number, now: () => number) {
    this.#log = log;
    this.#total = total;
    this.#now = now;
    this.#startedAt = now();
  }

  accepted(profiles: number): void {
    this.#sent += profiles;
    this.#render();
  }

  confirmed(profiles: number): void {
    this.#confirmed += profiles;
    this.#render();
  }

  #render(): void {
    const seconds = Math.max(0.001, (this.#now() - this.#startedAt) / 1000);
    const rate = this.#sent / seconds;
    const etaSeconds = rate > 0 ? Math.max(0, (this.#total - this.#sent) / rate) : undefined;
    const eta = etaSeconds === undefined ? '' : `, ETA ${Math.ceil(etaSeconds)} s`;
    this.#log.live(
      `sent ${formatCount(this.#sent)}/${formatCount(this.#total)}, confirmed ${formatCount(this.#confirmed)}, ${formatCount(Math.round(rate))} profiles/s${eta}`,
    );
  }
}
