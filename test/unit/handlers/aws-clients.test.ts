/**
 * The real users handler (createUsersHandler) on the real Secrets Manager token store and the real
 * DynamoDB repository, with only the AWS clients mocked: what Entra sees when AWS throttles, and the
 * happy path through every layer.
 */
import { DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import {
  GetSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'node:crypto';

import { SecretsManagerTokenStore } from '../../../lambdas/auth/secrets-manager-token-store';
import { hashToken } from '../../../lambdas/auth/tokens';
import { createUsersHandler } from '../../../lambdas/http/handlers';
import { createLogger } from '../../../lambdas/logger';
import type { ScimLambdaHandler } from '../../../lambdas/middleware';
import { DynamoDbUserRepository } from '../../../lambdas/store/dynamodb-users';
import { toItem } from '../../../lambdas/store/items';
import { makeContext, makeEvent } from '../middleware/helpers';

const TOKEN = 'scim_aws-mock-test-token-0123456789abcdefghijklm';
const TENANT = 'acme';
const USER_ID = randomUUID();
const SECRET_PREFIX = 'scim/test/tenants/';

const secretsClient = new SecretsManagerClient({ region: 'eu-west-1' });
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const secrets = mockClient(secretsClient);
const dynamo = mockClient(documentClient);

const handler: ScimLambdaHandler = createUsersHandler({
  tokenStore: new SecretsManagerTokenStore(secretsClient, SECRET_PREFIX),
  repository: new DynamoDbUserRepository({
    client: documentClient,
    tableName: 'scim-test',
    // No real back-off waits in a unit test.
    sleep: () => Promise.resolve(),
  }),
  logger: createLogger({ serviceName: 'aws-clients-test', logLevel: 'SILENT' }),
});

const secretDocument = JSON.stringify({
  tenantId: TENANT,
  tokens: [{ id: 'tok_1', sha256: hashToken(TOKEN), createdAt: '2026-01-01T00:00:00.000Z' }],
});

const getUser = () =>
  handler(
    makeEvent({
      method: 'GET',
      rawPath: `/tenants/${TENANT}/scim/v2/Users/${USER_ID}`,
      rawQueryString: '',
      headers: { authorization: `Bearer ${TOKEN}`, 'x-forwarded-proto': 'https' },
    }),
    makeContext(),
  );

const jsonOf = (body: string | undefined): Record<string, unknown> =>
  JSON.parse(body ?? 'null') as Record<string, unknown>;

beforeEach(() => {
  secrets.reset();
  dynamo.reset();
});
afterAll(() => {
  secrets.restore();
  dynamo.restore();
});

describe('users handler on mocked AWS clients', () => {
  it('Secrets Manager throttled: 503 with Retry-After and a SCIM error body, DynamoDB never called', async () => {
    secrets.on(GetSecretValueCommand).rejects(
      new SecretsManagerServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Rate exceeded',
      }),
    );
    const result = await getUser();
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toMatch(/^\d+$/);
    expect(result.headers?.['Content-Type']).toBe('application/scim+json');
    expect(jsonOf(result.body)).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '503',
    });
    // The current version: a token change is staged under another label until its compare-and-set.
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: `${SECRET_PREFIX}${TENANT}`,
      VersionStage: 'AWSCURRENT',
    });
    expect(dynamo.calls()).toHaveLength(0);
  });

  it('DynamoDB ProvisionedThroughputExceeded on GET: 503 with Retry-After and a SCIM error body', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretDocument });
    dynamo.on(GetCommand).rejects(
      new ProvisionedThroughputExceededException({
        $metadata: { httpStatusCode: 400 },
        message: 'slow down',
      }),
    );
    const result = await getUser();
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toMatch(/^\d+$/);
    expect(jsonOf(result.body)).toMatchObject({ status: '503' });
    expect(dynamo.commandCalls(GetCommand).length).toBeGreaterThan(0);
  });

  it('a valid token and a GetItem result: 200 with the user, its ETag and an absolute location', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretDocument });
    const item = toItem(
      TENANT,
      'User',
      USER_ID,
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'ada@example.com',
        active: true,
      },
      { version: 7, created: '2026-01-02T00:00:00.000Z', lastModified: '2026-01-03T00:00:00.000Z' },
    );
    dynamo.on(GetCommand).resolves({ Item: item });
    // GET by id reads the user's groups (RFC 7643 groups attribute): none here.
    dynamo.on(QueryCommand).resolves({ Items: [] });

    const result = await getUser();
    expect(result.statusCode).toBe(200);
    expect(result.headers?.ETag).toBe('W/"7"');
    expect(jsonOf(result.body)).toMatchObject({
      id: USER_ID,
      userName: 'ada@example.com',
      active: true,
      meta: {
        resourceType: 'User',
        version: 'W/"7"',
        location: expect.stringMatching(new RegExp(`/tenants/${TENANT}/scim/v2/Users/${USER_ID}$`)),
      },
    });
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'scim-test',
      ConsistentRead: true,
    });
  });

  it('a wrong token: 401 (the secret was read, DynamoDB never called)', async () => {
    secrets.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        tenantId: TENANT,
        tokens: [{ id: 'tok_2', sha256: hashToken('scim_other'), createdAt: '2026-01-01T00:00:00.000Z' }],
      }),
    });
    const result = await getUser();
    expect(result.statusCode).toBe(401);
    expect(result.headers?.['WWW-Authenticate']).toBe('Bearer realm="SCIM"');
    expect(dynamo.calls()).toHaveLength(0);
  });
});
