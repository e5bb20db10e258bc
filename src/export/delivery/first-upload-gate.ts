/**
 * Lets the run's first upload go alone and holds every other until it is answered. Write
 * permission is proven only by a real upload (no documented request proves it without writing): a
 * key without it meets a `permission_denied` 403 on that first request, and since nothing else was
 * in flight, the run stops with nothing written and no other upload sent.
 */
export class FirstUploadGate {
  #hasPioneer = false;
  #isOpen = false;
  readonly #opened: Promise<void>;
  #open: () => void = () => undefined;

  constructor() {
    this.#opened = new Promise<void>((resolve) => (this.#open = resolve));
  }

  /**
   * Resolves when this upload may go. Returns the function the caller must call once its answer
   * is in (whatever it is): for the first upload it opens the gate, for the others it does nothing.
   */
  async enter(): Promise<() => void> {
    if (this.#isOpen) return () => undefined;
    if (!this.#hasPioneer) {
      this.#hasPioneer = true;
      return () => {
        this.#isOpen = true;
        this.#open();
      };
    }
    await this.#opened;
    return () => undefined;
  }
}
