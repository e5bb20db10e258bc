import { RemovalGuardError } from '../../errors.js';
import type { KlaviyoClient } from '../../klaviyo/klaviyo-client.js';
import { SyncState } from '../../state/sync-state.js';
import { attributesHash, readSyncState, RecordFlag, recordLength, SyncStateWriter, syncStatePath } from '../../state/sync-state-file.js';
import type { SyncSummary } from '../../report/sync-summary.js';
import { ListMemberIndex } from './list-member-index.js';
import { removeFromList, RemovalStatus, type RemovalCandidate, type RemovalOutcome } from './remove-from-list.js';
import {
  checkRemovalGuard,
  countDecision,
  decideProfile,
  describeMaxRemovals,
  describeRemovalRefusal,
  removalLimit,
  emptySyncCounts,
  type MaxRemovals,
  type SyncCounts,
} from './sync-plan.js';

/** Where `--mirror` learns who this tool put in the list: its own sync state, or the list itself. */
export type MirrorSource = 'state' | 'list';

export interface SyncOptions {
  readonly stateDir: string;
  readonly listId: string;
  /** Undefined without `--mirror`. */
  readonly mirror: MirrorSource | undefined;
  readonly changedOnly: boolean;
  readonly maxRemovals: MaxRemovals;
  /** Temporary file tag; the pid by default. */
  readonly tag?: string;
  /** A dry run: compares with the state, writes nothing. */
  readonly readOnly?: boolean;
}

/** The warning of a first --mirror run (or one whose state directory was not kept). */
export const NO_STATE_SENTENCE =
  'no sync state from an earlier run of this tool for this list (first run, or a state directory that was not kept), so nothing was removed; this run records one for the next.';

/** Why a mirror run removes nothing although asked to. */
export type NoRemovalReason = 'no-state';

export interface RemovalPlan {
  readonly planned: number;
  readonly knownMembers: number;
  readonly noRemovalReason: NoRemovalReason | undefined;
}

/**
 * One push's sync with the list (`--mirror`, `--changed-only`), in the order a push calls it:
 * `open` (reads the sync state; a damaged one throws), `readListMembers` (list source), `select`
 * for each valid unique profile while the file is read (whether to send it), `planRemovals` and
 * `checkGuard` before anything is sent, then, only once every valid profile was confirmed,
 * `commitDelivered` and `removePlannedMembers`; `discard` otherwise.
 *
 * The new state is written as the file is read, to a temporary file: memory does not grow with it.
 */
export class SyncSession {
  readonly counts: SyncCounts = emptySyncCounts();
  readonly options: SyncOptions;
  readonly path: string;
  #state: SyncState | undefined;
  readonly #members: ListMemberIndex | undefined;
  readonly #writer: SyncStateWriter | undefined;
  #candidates: RemovalCandidate[] = [];
  /** State source: the state record of each candidate, to keep it pending until it is removed. */
  #candidateRecords: number[] = [];
  #isCommitted = false;
  #plan: RemovalPlan | undefined;
  readonly #hadState: boolean;

  static async open(options: SyncOptions): Promise<SyncSession> {
    const path = syncStatePath(options.stateDir, options.listId);
    const records = await readSyncState(path, options.listId);
    return new SyncSession(options, path, records === undefined ? undefined : new SyncState(records));
  }

  private constructor(options: SyncOptions, path: string, state: SyncState | undefined) {
    this.options = options;
    this.path = path;
    this.#state = state;
    this.#hadState = state !== undefined;
    this.#members = options.mirror === 'list' ? new ListMemberIndex() : undefined;
    this.#writer = options.readOnly ? undefined : new SyncStateWriter(path, options.listId, options.tag);
  }

  /** Whether an earlier run left a sync state for this list. */
  get hasState(): boolean {
    return this.#state !== undefined;
  }

  /** `--mirror-source list`: reads every member of the list (100 a page); returns how many. */
  async readListMembers(client: Pick<KlaviyoClient, 'listMembers'>, onPage?: (membersRead: number) => void): Promise<number> {
    const members = this.#members;
    if (members === undefined) return 0;
    for await (const page of client.listMembers(this.options.listId)) {
      for (const member of page) members.add(member);
      onPage?.(members.size);
    }
    this.counts.membersKept = members.withoutEmail;
    return members.size;
  }

  /**
   * Called once for each valid profile of the file (after duplicates are dropped), with its
   * normalised email, the attributes JSON it would be sent with and, with --subscribe, what it
   * consented to (its consent value and time are compared too): whether to send it.
   */
  select(email: string, attributesJson: string, consent?: string): boolean {
    const hash = attributesHash(consent === undefined ? attributesJson : `${attributesJson}\u0000consent:${consent}`);
    const change = this.#state?.classify(email, hash) ?? 'added';
    const isInList = this.#members?.markInFile(email);
    const decision = decideProfile(change, { changedOnly: this.options.changedOnly, isInList });
    countDecision(this.counts, decision);
    this.#writer?.add(email, hash);
    return decision.isSent;
  }

  /** After the file is read: who would be removed. Without `--mirror`, nobody. */
  planRemovals(): RemovalPlan {
    this.#plan = this.#planRemovals();
    return this.#plan;
  }

  #planRemovals(): RemovalPlan {
    const { mirror } = this.options;
    this.#candidates = [];
    this.#candidateRecords = [];
    if (mirror === 'list') {
      const members = this.#members!;
      for (const { profileId } of members.notInFile()) this.#candidates.push({ profileId });
      this.counts.removalsPlanned = this.#candidates.length;
      return { planned: this.#candidates.length, knownMembers: members.size, noRemovalReason: undefined };
    }
    if (mirror === 'state') {
      if (this.#state === undefined) return { planned: 0, knownMembers: 0, noRemovalReason: 'no-state' };
      for (const { index, email } of this.#state.unseen()) {
        this.#candidates.push({ email });
        this.#candidateRecords.push(index);
      }
      this.counts.removalsPlanned = this.#candidates.length;
      return { planned: this.#candidates.length, knownMembers: this.#state.size, noRemovalReason: undefined };
    }
    return { planned: 0, knownMembers: this.#state?.size ?? 0, noRemovalReason: undefined };
  }

  /** Throws RemovalGuardError (exit 2) when the plan removes more than `--max-removals` allows. */
  checkGuard(plan: RemovalPlan): void {
    const decision = checkRemovalGuard(plan.planned, plan.knownMembers, this.options.maxRemovals);
    if (!decision.isAllowed) throw new RemovalGuardError(decision, describeRemovalRefusal(decision, this.options.maxRemovals));
  }

  /**
   * Every valid profile was confirmed: the new state (the file's profiles, plus the planned
   * removals marked pending) replaces the old one. A run killed during the removals leaves them
   * pending for the next run.
   */
  commitDelivered(): void {
    if (this.#writer === undefined) throw new Error('commitDelivered on a read-only sync session.');
    const state = this.#state;
    if (state !== undefined) {
      for (const index of this.#candidateRecords) {
        const { bytes, offset } = state.recordAt(index);
        this.#writer.addRecord(bytes, offset, RecordFlag.pendingRemoval);
      }
    }
    this.#writer.commit();
    this.#isCommitted = true;
    // The old state's bytes are no longer needed: let them go before the removals.
    this.#state = undefined;
  }

  /** Removes the planned members; the state then keeps only the removals that did not happen. */
  async removePlannedMembers(
    client: Pick<KlaviyoClient, 'findProfileIdsByEmail' | 'removeProfilesFromList'>,
    options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<RemovalOutcome> {
    if (!this.#isCommitted) throw new Error('removePlannedMembers before commitDelivered.');
    const outcome = await removeFromList({ client, listId: this.options.listId, candidates: this.#candidates, ...options });
    this.counts.removalsDone = outcome.removed;
    this.counts.removalsFailed = outcome.failed;
    if (this.#candidateRecords.length > 0 && outcome.removed > 0) await this.#dropRemoved(outcome.statuses);
    return outcome;
  }

  /** The counts for the reports; `noRemovalReason` says why nothing was removed, when that is so. */
  summarize(noRemovalReason: string | null): SyncSummary {
    const plan = this.#plan ?? { planned: 0, knownMembers: 0, noRemovalReason: undefined };
    const { counts, options } = this;
    const reason = noRemovalReason ?? (plan.noRemovalReason === 'no-state' ? NO_STATE_SENTENCE : null);
    return {
      mirror: options.mirror ?? null,
      changedOnly: options.changedOnly,
      hadState: this.#hadState,
      added: counts.added,
      updated: counts.updated,
      unchanged: counts.unchanged,
      resent: counts.resent,
      removals: {
        planned: counts.removalsPlanned,
        done: counts.removalsDone,
        failed: counts.removalsFailed,
        notAttempted: counts.removalsPlanned - counts.removalsDone - counts.removalsFailed,
        knownMembers: plan.knownMembers,
        limit: removalLimit(options.maxRemovals, plan.knownMembers),
        maxRemovals: describeMaxRemovals(options.maxRemovals),
      },
      membersKept: counts.membersKept,
      noRemovalReason: options.mirror === undefined ? null : reason,
    };
  }

  /** The run did not deliver everything (or stopped): the old state stays as it was. */
  discard(): void {
    this.#writer?.discard();
  }

  async #dropRemoved(statuses: Uint8Array): Promise<void> {
    const records = await readSyncState(this.path, this.options.listId);
    if (records === undefined) return;
    const writer = new SyncStateWriter(this.path, this.options.listId, this.options.tag);
    const { bytes } = records;
    let pending = 0;
    // Record by record, in file order: no index needed to copy them.
    for (let offset = records.recordsStart; offset < records.recordsEnd; offset += recordLength(bytes, offset)) {
      const flags = bytes[offset]!;
      if ((flags & RecordFlag.pendingRemoval) !== 0) {
        const status = statuses[pending];
        pending += 1;
        if (status === RemovalStatus.removed) continue;
      }
      writer.addRecord(bytes, offset, flags);
    }
    writer.commit();
  }
}
