/**
 * The events Lambda's handler: publish a batch of table stream records and report the first record not
 * completely published as the batch item failure, so Lambda resumes there (ReportBatchItemFailures).
 * Logs counts and sequence numbers only: the records hold personal data.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';

import type { Logger } from '../logger';
import type { StreamRecord } from './change-events';
import { publishRecords } from './publisher';
import type { EventSink, PublishOptions } from './publisher';

export interface StreamHandlerDeps {
  readonly sink: EventSink;
  readonly logger: Logger;
  readonly options?: PublishOptions;
}

export const createStreamHandler =
  (deps: StreamHandlerDeps) =>
  async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const records: readonly StreamRecord[] = event.Records;
    const result = await publishRecords(records, deps.sink, deps.options);
    for (const rejected of result.rejected) {
      deps.logger.error('Stream record cannot be read; it is retried, then goes to the dead-letter queue', {
        sequenceNumber: rejected.sequenceNumber,
        reason: rejected.reason,
      });
    }
    const failed = result.failedRecord === undefined ? undefined : event.Records[result.failedRecord];
    deps.logger.info('Stream batch published', {
      records: records.length,
      published: result.published,
      retried: result.retried,
      ...(failed === undefined
        ? {}
        : { resumeAt: failed.dynamodb?.SequenceNumber, reason: result.failedReason }),
    });
    if (failed === undefined) return { batchItemFailures: [] };
    const itemIdentifier = failed.dynamodb?.SequenceNumber;
    // Without a sequence number Lambda cannot resume at the record: fail the whole batch instead.
    if (itemIdentifier === undefined) throw new Error('An unpublished stream record has no sequence number');
    return { batchItemFailures: [{ itemIdentifier }] };
  };
