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
import type {
  GroupRepository,
  ScimRepository,
  TenantRepository,
  UserPages,
  UserRepository,
} from './repository';

export class DynamoDbScimRepository implements ScimRepository, UserPages {
  readonly #users: DynamoDbUserRepository;
  readonly #groups: GroupRepository;
  readonly #tenants: TenantRepository;

  constructor(options: DynamoDbRepositoryOptions) {
    this.#users = new DynamoDbUserRepository(options);
    this.#groups = new DynamoDbGroupRepository(options);
    this.#tenants = new DynamoDbTenantRepository(options);
  }

  // Each method is typed by its port, so the arguments and result are the port's own.
  readonly createUser: UserRepository['createUser'] = (...args) => this.#users.createUser(...args);
  readonly getUser: UserRepository['getUser'] = (...args) => this.#users.getUser(...args);
  readonly replaceUser: UserRepository['replaceUser'] = (...args) => this.#users.replaceUser(...args);
  readonly updateUser: UserRepository['updateUser'] = (...args) => this.#users.updateUser(...args);
  readonly deleteUser: UserRepository['deleteUser'] = (...args) => this.#users.deleteUser(...args);
  readonly findUsers: UserRepository['findUsers'] = (...args) => this.#users.findUsers(...args);
  readonly userPages: UserPages['userPages'] = (...args) => this.#users.userPages(...args);

  readonly createGroup: GroupRepository['createGroup'] = (...args) => this.#groups.createGroup(...args);
  readonly getGroup: GroupRepository['getGroup'] = (...args) => this.#groups.getGroup(...args);
  readonly replaceGroup: GroupRepository['replaceGroup'] = (...args) => this.#groups.replaceGroup(...args);
  readonly updateGroup: GroupRepository['updateGroup'] = (...args) => this.#groups.updateGroup(...args);
  readonly deleteGroup: GroupRepository['deleteGroup'] = (...args) => this.#groups.deleteGroup(...args);
  readonly findGroups: GroupRepository['findGroups'] = (...args) => this.#groups.findGroups(...args);

  readonly getTenant: TenantRepository['getTenant'] = (...args) => this.#tenants.getTenant(...args);
  readonly putTenant: TenantRepository['putTenant'] = (...args) => this.#tenants.putTenant(...args);
}
