/** Stream records for the publisher's and the local feed's tests. */
import { marshall } from '@aws-sdk/util-dynamodb';

import type { StreamRecord } from '../../../lambdas/events/change-events';
import { toItem } from '../../../lambdas/store/items';

export const TENANT = 'acme';
export const userId = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A created user (`user<n>@example.com`, sequence number 1000 + n): one User Provisioned event. */
export const created = (n: number): StreamRecord => {
  const item = toItem(
    TENANT,
    'User',
    userId(n),
    { schemas: [], userName: `user${n}@example.com` },
    {
      version: 1,
      created: '2026-01-01T00:00:00.000Z',
      lastModified: '2026-01-01T00:00:00.000Z',
    },
  );
  return {
    eventName: 'INSERT',
    dynamodb: {
      Keys: marshall({ pk: item.pk, sk: item.sk }),
      NewImage: marshall({ ...item }),
      SequenceNumber: String(1000 + n),
      ApproximateCreationDateTime: 1_767_225_600,
    },
  };
};
