import type { ProfileImportEnvelope } from '../../klaviyo/profile-import-payload.js';
import { profileResourcesOf, withoutProfiles, type RequestBody } from './batch-contents.js';
import type { StagedBatch } from './batch-stager.js';

/**
 * The profiles of a staged batch still to be sent: all of them, until Klaviyo refuses some of them
 * by pointer and the request goes again without them. Knows where each profile of the current
 * request stood in the staged batch, so that every pointer leads back to its source line.
 */
export class RemainingProfiles {
  readonly #batch: StagedBatch;
  readonly #readBody: (batch: StagedBatch) => Promise<RequestBody>;
  /** Staged positions of the current request's profiles; undefined while nothing was removed. */
  #positions: number[] | undefined;
  #editedBody: string | undefined;

  constructor(batch: StagedBatch, readBody: (batch: StagedBatch) => Promise<RequestBody>) {
    this.#batch = batch;
    this.#readBody = readBody;
  }

  get count(): number {
    return this.#positions?.length ?? this.#batch.profiles;
  }

  /** Position in the staged batch of the current request's `index`-th profile. */
  positionOf(index: number): number {
    return this.#positions?.[index] ?? index;
  }

  lineOf(index: number): number {
    return this.#batch.lines[this.positionOf(index)]!;
  }

  /** JSON files: the array element of the current request's `index`-th profile. */
  elementOf(index: number): number | undefined {
    return this.#batch.elements?.[this.positionOf(index)];
  }

  /** The current request body: staged on disk, or kept in memory once profiles were removed. */
  body(): Promise<RequestBody> {
    return this.#editedBody === undefined ? this.#readBody(this.#batch) : Promise.resolve(this.#editedBody);
  }

  async resources(): Promise<{ attributes?: Record<string, unknown> }[]> {
    return profileResourcesOf(await this.body());
  }

  /** The current request cut in two at `at`: each half knows its profiles' staged positions. */
  async split(at: number, envelope: ProfileImportEnvelope): Promise<[RemainingProfiles, RemainingProfiles]> {
    const body = await this.body();
    const indices = Array.from({ length: this.count }, (_, i) => i);
    const half = (removed: number[]) => {
      const part = new RemainingProfiles(this.#batch, this.#readBody);
      const next = withoutProfiles(body, envelope, new Set(removed));
      part.#positions = next.kept.map((index) => this.positionOf(index));
      part.#editedBody = next.body;
      return part;
    };
    return [half(indices.slice(at)), half(indices.slice(0, at))];
  }

  /** Drops the profiles at these indices of the current request. */
  async remove(indices: ReadonlySet<number>, envelope: ProfileImportEnvelope): Promise<void> {
    const next = withoutProfiles(await this.body(), envelope, indices);
    this.#positions = next.kept.map((index) => this.positionOf(index));
    this.#editedBody = next.body;
  }
}
