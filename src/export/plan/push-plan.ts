import { checkConsentRequest, type ConsentRequest } from '../../mapping/consent-mapping.js';
import type { CsvDelimiter, CsvQuoting } from '../../source/source-record.js';
import { DEFAULT_MAX_REMOVALS, type MaxRemovals } from '../sync/sync-plan.js';
import type { MirrorSource } from '../sync/sync-session.js';
import type { PushRequest, SubscribeRequest } from './push-request.js';
import { resolveSegmentPlan, type SegmentPlan } from './segment-plan.js';

/** `--mirror` / `--changed-only`: the sync state they keep per list. */
export interface SyncPlan {
  readonly mirror: MirrorSource | undefined;
  readonly changedOnly: boolean;
  readonly maxRemovals: MaxRemovals;
}

/** What shapes the profiles and their requests beyond the mapping: part of the checkpoint's fingerprint. */
export interface RequestShape {
  readonly delimiter: CsvDelimiter | undefined;
  readonly encoding: string | undefined;
  readonly hasHeader: boolean | undefined;
  /** `--quote none`: how the CSV is split into rows. */
  readonly quoting?: CsvQuoting;
  /** `--json-path`: which array of the file is read. */
  readonly jsonPath?: string;
  readonly maxPerExport: number;
  readonly batchSize: number;
  readonly changedOnly: boolean;
}

/** A PushRequest resolved once, before anything is read or sent: what every phase of the push reads. */
export interface PushPlan extends SegmentPlan {
  readonly listId: string;
  readonly stateDir: string;
  /** Follow each import job to its end (false: `--no-wait`). */
  readonly wait: boolean;
  readonly restart: boolean;
  readonly jobTimeoutMs: number | undefined;
  readonly timeoutMs: number | undefined;
  /** `--subscribe`: what the consent step does, and the consent columns the scan reads. Absent: nobody's consent changes. */
  readonly subscribe: { readonly request: SubscribeRequest; readonly consent: ConsentRequest } | undefined;
  readonly sync: SyncPlan | undefined;
  readonly shape: RequestShape;
}

/** Pure: throws UsageError, naming what to fix, for a request that cannot run (nothing read or sent then). */
export function resolvePushPlan(request: PushRequest): PushPlan {
  const segment = resolveSegmentPlan(request);
  const subscribe = request.subscribe && { request: request.subscribe, consent: consentRequestOf(request.subscribe) };
  // --subscribe without a consent column is a usage error (a phone column mapped by name is only known from the file).
  if (subscribe) checkConsentRequest(subscribe.consent, segment.mapping.maps, { mayMapPhoneByName: segment.mapping.mapsKnownColumns });
  const isSyncing = request.mirror !== undefined || Boolean(request.changedOnly);
  return {
    ...segment,
    listId: request.listId,
    stateDir: request.stateDir,
    wait: request.wait ?? true,
    restart: Boolean(request.restart),
    jobTimeoutMs: request.jobTimeoutMs,
    timeoutMs: request.timeoutMs,
    subscribe,
    sync: isSyncing
      ? { mirror: request.mirror, changedOnly: Boolean(request.changedOnly), maxRemovals: request.maxRemovals ?? DEFAULT_MAX_REMOVALS }
      : undefined,
    shape: {
      delimiter: request.delimiter,
      encoding: request.encoding,
      hasHeader: request.hasHeader,
      ...(request.quoting === undefined ? {} : { quoting: request.quoting }),
      ...(request.jsonPath === undefined ? {} : { jsonPath: request.jsonPath }),
      maxPerExport: segment.limits.maxProfilesPerExport,
      batchSize: segment.limits.maxProfilesPerRequest,
      changedOnly: Boolean(request.changedOnly),
    },
  };
}

/** The scan's view of `--subscribe`: which columns say consent. */
function consentRequestOf(request: SubscribeRequest): ConsentRequest {
  return {
    subscribe: request.channels,
    ...(request.emailConsentColumn === undefined ? {} : { emailConsentColumn: request.emailConsentColumn }),
    ...(request.smsConsentColumn === undefined ? {} : { smsConsentColumn: request.smsConsentColumn }),
    ...(request.consentedAtColumn === undefined ? {} : { consentedAtColumn: request.consentedAtColumn }),
  };
}
