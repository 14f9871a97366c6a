/** The DynamoDB adapter of the tenants port: one metadata item per tenant. */
import { ScimError } from '../scim/errors';
import { DynamoDbStore } from './dynamodb-store';
import type { DynamoDbRepositoryOptions } from './dynamodb-store';
import { tenantKey } from './keys';
import type { TenantMetadata, TenantRepository } from './repository';

export class DynamoDbTenantRepository implements TenantRepository {
  private readonly store: DynamoDbStore;

  constructor(options: DynamoDbRepositoryOptions) {
    this.store = new DynamoDbStore(options);
  }

  async getTenant(tenantId: string): Promise<TenantMetadata | undefined> {
    const raw = await this.store.getItem(tenantKey(tenantId));
    if (raw === undefined) return undefined;
    const { createdAt, displayName } = raw;
    if (typeof createdAt !== 'string') throw ScimError.unavailable('The store returned a malformed item.');
    return { tenantId, createdAt, ...(typeof displayName === 'string' ? { displayName } : {}) };
  }

  async putTenant(metadata: TenantMetadata): Promise<void> {
    await this.store.putItem({
      ...tenantKey(metadata.tenantId),
      tenantId: metadata.tenantId,
      createdAt: metadata.createdAt,
      ...(metadata.displayName === undefined ? {} : { displayName: metadata.displayName }),
    });
  }
}
