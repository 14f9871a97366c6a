/**
 * The whole DynamoDB adapter (single table, see docs/data-model.md), for the local server, the tenant CLI
 * and tests: the user, group and tenant repositories side by side over one table. The Lambdas construct
 * only their own resource's repository (dynamodb-users.ts, dynamodb-groups.ts), so that a bundle carries
 * no other resource's code.
 */
import { DynamoDbGroupRepository } from './dynamodb-groups';
import type { DynamoDbRepositoryOptions } from './dynamodb-store';
import { DynamoDbTenantRepository } from './dynamodb-tenants';
import { DynamoDbUserRepository } from './dynamodb-users';
import type { GroupRepository, ScimRepository, TenantRepository, UserRepository } from './repository';

export class DynamoDbScimRepository implements ScimRepository {
  private readonly users: UserRepository;
  private readonly groups: GroupRepository;
  private readonly tenants: TenantRepository;

  constructor(options: DynamoDbRepositoryOptions) {
    this.users = new DynamoDbUserRepository(options);
    this.groups = new DynamoDbGroupRepository(options);
    this.tenants = new DynamoDbTenantRepository(options);
  }

  createUser(...args: Parameters<UserRepository['createUser']>): ReturnType<UserRepository['createUser']> {
    return this.users.createUser(...args);
  }
  getUser(...args: Parameters<UserRepository['getUser']>): ReturnType<UserRepository['getUser']> {
    return this.users.getUser(...args);
  }
  replaceUser(...args: Parameters<UserRepository['replaceUser']>): ReturnType<UserRepository['replaceUser']> {
    return this.users.replaceUser(...args);
  }
  updateUser(...args: Parameters<UserRepository['updateUser']>): ReturnType<UserRepository['updateUser']> {
    return this.users.updateUser(...args);
  }
  deleteUser(...args: Parameters<UserRepository['deleteUser']>): ReturnType<UserRepository['deleteUser']> {
    return this.users.deleteUser(...args);
  }
  findUsers(...args: Parameters<UserRepository['findUsers']>): ReturnType<UserRepository['findUsers']> {
    return this.users.findUsers(...args);
  }

  createGroup(
    ...args: Parameters<GroupRepository['createGroup']>
  ): ReturnType<GroupRepository['createGroup']> {
    return this.groups.createGroup(...args);
  }
  getGroup(...args: Parameters<GroupRepository['getGroup']>): ReturnType<GroupRepository['getGroup']> {
    return this.groups.getGroup(...args);
  }
  replaceGroup(
    ...args: Parameters<GroupRepository['replaceGroup']>
  ): ReturnType<GroupRepository['replaceGroup']> {
    return this.groups.replaceGroup(...args);
  }
  updateGroup(
    ...args: Parameters<GroupRepository['updateGroup']>
  ): ReturnType<GroupRepository['updateGroup']> {
    return this.groups.updateGroup(...args);
  }
  deleteGroup(
    ...args: Parameters<GroupRepository['deleteGroup']>
  ): ReturnType<GroupRepository['deleteGroup']> {
    return this.groups.deleteGroup(...args);
  }
  findGroups(...args: Parameters<GroupRepository['findGroups']>): ReturnType<GroupRepository['findGroups']> {
    return this.groups.findGroups(...args);
  }

  getTenant(...args: Parameters<TenantRepository['getTenant']>): ReturnType<TenantRepository['getTenant']> {
    return this.tenants.getTenant(...args);
  }
  putTenant(...args: Parameters<TenantRepository['putTenant']>): ReturnType<TenantRepository['putTenant']> {
    return this.tenants.putTenant(...args);
  }
}
