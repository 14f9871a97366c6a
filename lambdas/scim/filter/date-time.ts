/**
 * xsd:dateTime (RFC 7643 §2.3.5) as a comparable instant, so that `meta.lastModified gt "..."` compares
 * moments in time whatever offset each side was written with. Sub-millisecond digits are kept (Entra and
 * .NET write 7 fractional digits), which Date.parse alone would drop.
 */
export interface Instant {
  /** Milliseconds since the epoch, UTC. */
  readonly epochMs: number;
  /** Nanoseconds beyond epochMs, 0..999999. */
  readonly subMsNanos: number;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,12}))?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/** Parses an ISO 8601 / xsd:dateTime; no offset means UTC. Returns undefined for anything else. */
export const parseInstant = (text: string): Instant | undefined => {
  const match = DATE_TIME.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', , sign, offsetHours, offsetMinutes] = match;
  const wallClock = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
  if (Number.isNaN(wallClock)) return undefined;
  // Date.parse rolls 2011-02-30 over to March: reject dates whose fields do not survive the round trip.
  const check = new Date(wallClock);
  if (check.getUTCDate() !== Number(day) || check.getUTCHours() !== Number(hour)) return undefined;
  if (Number(offsetHours ?? 0) > 23 || Number(offsetMinutes ?? 0) > 59) return undefined;
  const offsetMs =
    sign === undefined
      ? 0
      : (sign === '-' ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  const nanos = fraction.padEnd(9, '0').slice(0, 9);
  return {
    epochMs: wallClock - offsetMs + Number(nanos.slice(0, 3)),
    subMsNanos: Number(nanos.slice(3)),
  };
};

/** Negative, zero or positive, like a sort comparator. */
export const compareInstants = (a: Instant, b: Instant): number =>
  a.epochMs !== b.epochMs ? a.epochMs - b.epochMs : a.subMsNanos - b.subMsNanos;
