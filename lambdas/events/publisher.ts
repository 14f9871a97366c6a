/**
 * Publishing a batch of stream records: map them (change-events.ts), send the events in record order, in
 * requests under EventBridge's limits, retrying the entries that failed, and report where the batch
 * stopped, so the caller (the Lambda, or the local feed) resumes exactly there. Nothing is lost: a record
 * is done only when every event it produced was accepted; an event may be sent again after a failure,
 * always with the same eventId.
 */
import { EVENT_SOURCE, MAX_ENTRY_BYTES, entryBytes, mapStreamRecords, wireJson } from './change-events';
import type { ChangeEvent, RejectedRecord, StreamRecord } from './change-events';

/** Where events go: EventBridge's PutEvents, or the local feed's file. */
export interface EventSink {
  /**
   * Sends the events as one request; answers, per event in order, whether it was accepted (PutEvents
   * answers per entry). A throw counts as every event failing.
   */
  put(events: readonly ChangeEvent[]): Promise<readonly boolean[]>;
}

export interface PublishOptions {
  /** Attempts per request, the first included (per-entry failures are retried this many times). */
  readonly maxAttempts?: number;
  /** Waits between attempts (ms); injectable so tests do not sleep. */
  readonly delay?: (milliseconds: number) => Promise<void>;
  readonly maxEntryBytes?: number;
}

export interface PublishResult {
  readonly published: number;
  /** The first record not completely published (resume here), or undefined when all are done. */
  readonly failedRecord?: number;
  readonly failedReason?: 'rejected' | 'unpublished';
  readonly rejected: readonly RejectedRecord[];
  /** Events accepted only after at least one retry. */
  readonly retried: number;
}

/** PutEvents takes at most 10 entries, and 256 KB in all. */
export const MAX_ENTRIES_PER_REQUEST = 10;
export const DEFAULT_MAX_ATTEMPTS = 4;
const BASE_DELAY_MS = 100;

const sleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Consecutive events in requests of at most 10 entries and `maxBytes` in all. */
export const requestsOf = (
  events: readonly ChangeEvent[],
  maxBytes: number = MAX_ENTRY_BYTES,
): ChangeEvent[][] => {
  const requests: ChangeEvent[][] = [];
  let current: ChangeEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = entryBytes(event.detailType, event.detail);
    if (current.length > 0 && (current.length === MAX_ENTRIES_PER_REQUEST || bytes + size > maxBytes)) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
};

/** Sends one request, retrying the entries that failed; returns those that never got through. */
const sendWithRetries = async (
  sink: EventSink,
  request: readonly ChangeEvent[],
  maxAttempts: number,
  delay: (milliseconds: number) => Promise<void>,
): Promise<{ failed: ChangeEvent[]; retried: number }> => {
  let pending = [...request];
  let retried = 0;
  for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt += 1) {
    if (attempt > 1) await delay(BASE_DELAY_MS * 2 ** (attempt - 2));
    let accepted: readonly boolean[];
    try {
      accepted = await sink.put(pending);
    } catch {
      accepted = [];
    }
    const stillPending = pending.filter((_event, index) => accepted[index] !== true);
    if (attempt > 1) retried += pending.length - stillPending.length;
    pending = stillPending;
  }
  return { failed: pending, retried };
};

export const publishRecords = async (
  records: readonly StreamRecord[],
  sink: EventSink,
  options: PublishOptions = {},
): Promise<PublishResult> => {
  const { events, rejected } = mapStreamRecords(records, { maxEntryBytes: options.maxEntryBytes });
  const firstRejected = rejected[0]?.index;
  // Events of records before a rejected one still go out; the batch resumes at the rejected record.
  const publishable =
    firstRejected === undefined ? events : events.filter((event) => event.lastRecord < firstRejected);
  let published = 0;
  let retried = 0;
  for (const request of requestsOf(publishable)) {
    const result = await sendWithRetries(
      sink,
      request,
      options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      options.delay ?? sleep,
    );
    retried += result.retried;
    published += request.length - result.failed.length;
    const firstFailed = result.failed[0];
    if (firstFailed !== undefined) {
      // Entries after it in this request may have been accepted: resuming here sends them again, with the
      // same ids, which is the documented duplicate.
      return {
        published,
        failedRecord: firstFailed.firstRecord,
        failedReason: 'unpublished',
        rejected,
        retried,
      };
    }
  }
  return firstRejected === undefined
    ? { published, rejected, retried }
    : { published, failedRecord: firstRejected, failedReason: 'rejected', rejected, retried };
};

/** The EventBridge event a consumer receives for a change (the envelope the local feed writes too). */
export interface EventEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly time: string;
  readonly detail: ChangeEvent['detail'];
}

export const envelopeOf = (event: ChangeEvent): EventEnvelope => ({
  version: '0',
  id: event.detail.eventId,
  'detail-type': event.detailType,
  source: EVENT_SOURCE,
  time: event.detail.time,
  detail: event.detail,
});

/** The envelope as one line of JSON (absent profile values as null, as on the bus). */
export const envelopeJson = (event: ChangeEvent): string => wireJson(envelopeOf(event));
