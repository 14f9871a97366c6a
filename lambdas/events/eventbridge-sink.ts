/** The events' way onto the bus: one PutEvents request per call, the answer read per entry. */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventBridgeClient, PutEventsCommandInput } from '@aws-sdk/client-eventbridge';

import { EVENT_SOURCE, detailJson } from './change-events';
import type { ChangeEvent } from './change-events';
import type { EventSink } from './publisher';

/** Pure: the PutEvents input for events, in order. */
export const putEventsInput = (
  eventBusName: string,
  events: readonly ChangeEvent[],
): PutEventsCommandInput => ({
  Entries: events.map((event) => ({
    EventBusName: eventBusName,
    Source: EVENT_SOURCE,
    DetailType: event.detailType,
    Detail: detailJson(event.detail),
    Time: new Date(event.detail.time),
  })),
});

export const eventBridgeSink = (
  client: Pick<EventBridgeClient, 'send'>,
  eventBusName: string,
): EventSink => ({
  async put(events) {
    const output = await client.send(new PutEventsCommand(putEventsInput(eventBusName, events)));
    // An accepted entry has an EventId; a failed one an ErrorCode (throttling, internal failure).
    return events.map((_event, index) => {
      const entry = output.Entries?.[index];
      return entry?.EventId !== undefined && entry.ErrorCode === undefined;
    });
  },
});
