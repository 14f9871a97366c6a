/**
 * The connection status panel, as a pure function of what the table holds: the tenant's status item
 * (written at most once a minute per container by the SCIM chain's connection-status middleware), the
 * errors we answered, and the users and groups provisioned. Each check says what to do when it is red.
 * Counts, times, attribute names and role/locale codes only: never names or emails.
 */
import { PROFILE_FIELDS } from '../scim/profile/fields';
import { SUPPORTED_LOCALES } from '../scim/profile/locale';
import type { ProfileReport, ValueCount } from '../scim/profile/report';
import { ROLE_SEGMENTS } from '../scim/profile/role';
import { ANSWERED_ERROR_SLOTS } from '../store/keys';
import type { AnsweredErrorRecord } from '../store/tenant-status';

export interface RecordedStatus {
  readonly lastSeenAt?: string;
  readonly userAgent?: string;
  readonly testConnectionAt?: string;
  /** Attribute names requests gave that no schema defines (sorted): mappings that go nowhere. */
  readonly ignoredAttributes?: readonly string[];
}

/** One refused request as recorded by the SCIM chain. */
export type AnsweredError = AnsweredErrorRecord;

export interface StatusInputs {
  readonly recorded: RecordedStatus;
  readonly errors: readonly AnsweredError[];
  readonly report: ProfileReport;
  readonly groups: number;
  /** The newest lastModified of the tenant's users and groups. */
  readonly lastChangeAt?: string;
}

export type CheckState = 'ok' | 'bad' | 'waiting';

export interface StatusCheck {
  readonly id: string;
  readonly label: string;
  readonly state: CheckState;
  readonly text: string;
  /** What to do; set when the check is not green. */
  readonly action?: string;
}

export interface StatusView {
  readonly checkedAt: string;
  readonly checks: readonly StatusCheck[];
  readonly errors: readonly AnsweredError[];
}

export const MAX_ERRORS_SHOWN = ANSWERED_ERROR_SLOTS;

/** The provider, from a User-Agent header. */
export const providerOf = (userAgent: string | undefined): string => {
  if (userAgent === undefined || userAgent === '') return 'an unnamed client';
  if (/okta/i.test(userAgent)) return 'Okta';
  if (/azure|entra|microsoft|aad/i.test(userAgent)) return 'Microsoft Entra ID';
  return `another client (${userAgent.slice(0, 60)})`;
};

const check = (
  id: string,
  label: string,
  state: CheckState,
  text: string,
  action: string | undefined,
): StatusCheck => ({ id, label, state, text, ...(state === 'ok' || action === undefined ? {} : { action }) });

/** Red when any value is listed: the values with their counts. */
const valuesCheck = (
  id: string,
  label: string,
  values: readonly ValueCount[],
  [none, some]: readonly [string, string],
  action: string,
): StatusCheck =>
  check(
    id,
    label,
    values.length === 0 ? 'ok' : 'bad',
    values.length === 0
      ? none
      : `${some}: ${values.map(({ value, count }) => `${value} (${count})`).join(', ')}`,
    action,
  );

export function buildStatusView(inputs: StatusInputs, now: Date): StatusView {
  const { recorded, report } = inputs;
  const checks: StatusCheck[] = [];
  checks.push(
    check(
      'test-connection',
      'Test Connection',
      recorded.testConnectionAt === undefined ? 'waiting' : 'ok',
      recorded.testConnectionAt === undefined ? 'not seen yet' : `seen at ${recorded.testConnectionAt}`,
      'In Entra, paste the Tenant URL and the Secret Token and click Test Connection. If Entra reports ' +
        'an authorization error, the token is wrong or was revoked: ask us for a new setup link.',
    ),
  );
  checks.push(
    check(
      'last-request',
      'Last request from your provider',
      recorded.lastSeenAt === undefined ? 'waiting' : 'ok',
      recorded.lastSeenAt === undefined
        ? 'none yet'
        : `${recorded.lastSeenAt}, from ${providerOf(recorded.userAgent)}`,
      'Turn Provisioning Status On and Save; the first cycle starts within minutes (recorded once a minute).',
    ),
  );
  checks.push(
    check(
      'users',
      'Users provisioned',
      report.activeUsers > 0 ? 'ok' : 'waiting',
      `${report.activeUsers} active, ${report.inactiveUsers} inactive`,
      'Assign users (or groups holding them) to the application, with Scope "Sync only assigned users and groups".',
    ),
  );
  checks.push(
    check(
      'groups',
      'Groups provisioned',
      inputs.groups > 0 ? 'ok' : 'waiting',
      String(inputs.groups),
      'Assign groups to the application if you want them synced; keep group provisioning enabled under Mappings.',
    ),
  );
  checks.push(
    check(
      'last-change',
      'Last change',
      inputs.lastChangeAt === undefined ? 'waiting' : 'ok',
      inputs.lastChangeAt ?? 'nothing provisioned yet',
      'Changes arrive with each provisioning cycle (about every 40 minutes).',
    ),
  );
  for (const { field, label, level, scimAttribute } of PROFILE_FIELDS) {
    const missing = report.missingByField[field];
    // Optional fields never turn red: an empty value is a choice.
    const state: CheckState =
      report.activeUsers === 0 ? 'waiting' : missing === 0 || level === 'optional' ? 'ok' : 'bad';
    checks.push(
      check(
        `field-${field}`,
        `${label} (${level})`,
        state,
        report.activeUsers === 0
          ? 'no active users yet'
          : `${missing} of ${report.activeUsers} active users lack it`,
        `Map an Entra attribute to ${scimAttribute} (see the mapping table), then restart provisioning.`,
      ),
    );
  }
  checks.push(
    valuesCheck(
      'management-levels',
      'Management levels',
      report.unrecognisedRoles,
      ['all recognised', 'not recognised'],
      `Use one of: ${ROLE_SEGMENTS.join(', ')} (or map the values with an Entra expression).`,
    ),
    valuesCheck(
      'locales',
      'Locales',
      report.unsupportedLocales,
      ['all supported', 'served in en-US'],
      `Supported: ${SUPPORTED_LOCALES.join(', ')}. Other values are served in English.`,
    ),
  );
  const ignored = recorded.ignoredAttributes ?? [];
  checks.push(
    check(
      'ignored-attributes',
      'Mappings that go nowhere',
      ignored.length === 0 ? 'ok' : 'bad',
      ignored.length === 0
        ? 'none: every attribute sent is one we define'
        : `sent but not defined here, so ignored: ${ignored.join(', ')}`,
      'In Entra, open Provisioning > Mappings and correct the target attribute of each mapping listed ' +
        '(see the attribute list), or delete it; the next cycle then sends it where it belongs.',
    ),
  );
  const errors = inputs.errors.slice(0, MAX_ERRORS_SHOWN);
  checks.push(
    check(
      'errors',
      'Refused requests',
      errors.length === 0 ? 'ok' : 'bad',
      errors.length === 0 ? 'none' : `${errors.length} recent (latest ${errors[0]?.at ?? ''})`,
      'See the table below: the attribute at fault names the mapping to fix; Entra retries in its next cycle. ' +
        'A 503 is on our side and retried by Entra.',
    ),
  );
  return { checkedAt: now.toISOString(), checks, errors };
}
