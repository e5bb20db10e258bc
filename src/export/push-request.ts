import type { KlaviyoConnection } from './connection.js';
import type { PushEvent } from './push-events.js';
import type { SegmentRequest } from './segment-request.js';

/** Everything a push needs, as values: nothing is read from the environment or the process. */
export interface PushRequest extends SegmentRequest {
  /** The Klaviyo list id the profiles are added to. */
  readonly listId: string;
  readonly connection: KlaviyoConnection;
  /** Where the checkpoint and the staged request bodies (personal data) live; created with mode 0700. */
  readonly stateDir: string;
  /** Follow each import job to its end (default true); false submits and reports the job ids. */
  readonly wait?: boolean;
  /** Ignore an earlier run's checkpoint. */
  readonly restart?: boolean;
  /** Overall deadline: then the run stops like `signal` and its outcome is `deadline`. */
  readonly timeoutMs?: number;
  /** Cut requests in flight at once (after `signal`, they otherwise get 15 s to end). */
  readonly hardSignal?: AbortSignal;
}

/** What a push asks before its first write, when the caller supplies `confirm`. */
export interface PushConfirmation {
  readonly listId: string;
  readonly listName: string;
  /** undefined when the key may not read the account. */
  readonly accountName: string | undefined;
  readonly profiles: number;
}

/** What the caller plugs in: where events go, and who confirms. */
export interface PushPorts {
  readonly onEvent?: (event: PushEvent) => void;
  /** Asked once the file is read and before anything is sent; false ends the run as `declined`. */
  readonly confirm?: (question: PushConfirmation, signal: AbortSignal) => Promise<boolean>;
}
