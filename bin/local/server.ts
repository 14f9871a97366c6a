/**
 * The local server: a Node http server that turns requests into API Gateway payload v2 events and hands
 * them to the same handler factories the Lambdas use, dispatched by path as the deployed API does
 * (Users, Groups, everything else -> discovery). Storage is DynamoDB Local (embedded, or an existing
 * endpoint); tokens live in the file token store under the data directory.
 */
import { rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import { CachedTokenStore } from '../../lambdas/auth/cached-token-store';
import { FileTokenStore, tokenDirectory } from '../../lambdas/auth/file-token-store';
import type { LogLevel } from '../../lambdas/config';
import { createDiscoveryHandler } from '../../lambdas/http/discovery-handler';
import { createDocumentClient, createGroupsHandler, createUsersHandler } from '../../lambdas/http/handlers';
import type { LambdaHandler } from '../../lambdas/http/node-adapter';
import {
  RequestTooLargeError,
  localContext,
  readBody,
  toApiGatewayEvent,
  writeResult,
} from '../../lambdas/http/node-adapter';
import type { HandlerName } from '../../lambdas/http/router';
import { handlerForPath } from '../../lambdas/http/router';
import { createLogger } from '../../lambdas/logger';
import { SCIM_CONTENT_TYPE } from '../../lambdas/middleware';
import { TENANT_SCIM_PATH } from '../../lambdas/paths';
import { ScimError } from '../../lambdas/scim/errors';
import {
  LOCAL_CLIENT_CONFIG,
  ensureTable,
  localClient,
  startDynamoDbLocal,
} from '../../lambdas/store/dynamodb-local';
import type { DynamoDbLocal } from '../../lambdas/store/dynamodb-local';
import { DynamoDbScimRepository } from '../../lambdas/store/dynamodb-repository';
import { PRIVATE_FILE_MODE, makeDataDirPrivate } from './data-dir';
import { startLocalEventFeed } from './event-feed';
import type { LocalEventFeed, WebhookOptions } from './event-feed';
import { lockDataDir } from './lock';
import { ensureLocalTenant } from './tenant-token';
import type { LocalTokenSource } from './tenant-token';

export const DEFAULT_TABLE_NAME = 'scim-local';

export interface LocalServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Interface to listen on; loopback by default, the server holds a real token. */
  readonly host?: string;
  readonly dataDir: string;
  /** Use this DynamoDB endpoint instead of starting DynamoDB Local. */
  readonly dynamoDbEndpoint?: string;
  readonly tableName?: string;
  readonly tenantId: string;
  /**
   * The dev tenant's token (SCIM_TOKEN), (re-)registered on every start; otherwise the one kept in the
   * data directory while the token store still holds it as active, else a new one (bin/local/tenant-token.ts).
   */
  readonly token?: string;
  readonly logLevel?: LogLevel;
  /** Keep DynamoDB Local's data in memory instead of `<dataDir>/dynamodb`. */
  readonly inMemory?: boolean;
  /**
   * The change-event feed to `<dataDir>/events.jsonl` (bin/local/event-feed.ts), on unless false;
   * `webhookUrl` is SCIM_EVENTS_WEBHOOK.
   */
  readonly eventFeed?:
    | false
    | {
        readonly webhookUrl?: string;
        readonly webhook?: WebhookOptions;
        readonly pollIntervalMs?: number;
      };
}

export interface LocalServer {
  /** http://localhost:<port> */
  readonly url: string;
  readonly port: number;
  /** `${url}/tenants/<tenantId>/scim/v2` */
  readonly tenantUrl: string;
  readonly token: string;
  /** Where `token` came from; `replaced` means the kept one was revoked or expired. */
  readonly tokenSource: LocalTokenSource;
  readonly tokenStore: FileTokenStore;
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The change-event feed, unless turned off. */
  readonly eventFeed?: LocalEventFeed;
  stop(): Promise<void>;
}

function writeError(response: ServerResponse, error: ScimError): void {
  writeResult(response, {
    statusCode: error.status,
    headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...error.headers },
    body: JSON.stringify(error.toBody()),
  });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const logger = createLogger({ serviceName: 'serverless-scim-local', logLevel: options.logLevel ?? 'INFO' });

  await makeDataDirPrivate(options.dataDir);
  const lock = await lockDataDir(options.dataDir);
  const dynamoDir = join(options.dataDir, 'dynamodb');
  let dynamo: DynamoDbLocal;
  try {
    dynamo =
      options.dynamoDbEndpoint === undefined
        ? await startDynamoDbLocal(options.inMemory ? {} : { dataDir: dynamoDir })
        : { endpoint: options.dynamoDbEndpoint, stop: () => Promise.resolve() };
    if (dynamo.pid !== undefined) await lock.recordDynamoDbLocal(dynamo.pid);
  } catch (error) {
    await lock.release();
    throw error;
  }
  let server: Server | undefined;
  let eventFeed: LocalEventFeed | undefined;
  try {
    const admin = localClient(dynamo.endpoint);
    try {
      await ensureTable(admin, tableName);
      const feedOptions = options.eventFeed ?? {};
      if (feedOptions !== false) {
        eventFeed = await startLocalEventFeed(admin, {
          endpoint: dynamo.endpoint,
          tableName,
          dataDir: options.dataDir,
          logger,
          ...feedOptions,
        });
      }
    } finally {
      admin.destroy();
    }
    const client = createDocumentClient({ dynamoDbEndpoint: dynamo.endpoint }, LOCAL_CLIENT_CONFIG);

    const fileStore = new FileTokenStore(tokenDirectory(options.dataDir));
    const devToken = await ensureLocalTenant(fileStore, options.dataDir, options.tenantId, options.token);
    // No caching: a token created or revoked with the tenant CLI takes effect at once.
    const tokenStore = new CachedTokenStore(fileStore, { ttlMs: 0 });

    const repository = new DynamoDbScimRepository({ client, tableName });
    const handlers: Record<HandlerName, LambdaHandler> = {
      users: createUsersHandler({ repository, tokenStore, logger }),
      groups: createGroupsHandler({ repository, tokenStore, logger }),
      discovery: createDiscoveryHandler({ tokenStore, logger }),
    };

    const onRequest = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
      try {
        const event = toApiGatewayEvent(request, await readBody(request));
        const name = handlerForPath(event.rawPath);
        writeResult(
          response,
          await handlers[name](event, localContext(name, event.requestContext.requestId)),
        );
      } catch (error) {
        if (error instanceof RequestTooLargeError) {
          // The rest of the body is never read: Node closes the connection after this answer.
          response.setHeader('Connection', 'close');
          writeError(response, ScimError.payloadTooLarge('The request body is too large.'));
          return;
        }
        // The handlers turn every error into a SCIM response; reaching this is a bug of the local server.
        console.error('Local server error:', error instanceof Error ? error.name : typeof error);
        writeError(response, ScimError.internal());
      }
    };

    const httpServer = createServer((request, response) => void onRequest(request, response));
    server = httpServer;
    const port = await listen(httpServer, options.port, options.host ?? '127.0.0.1');
    const url = `http://localhost:${port}`;
    // The tenant CLI (`npm run tenant -- create x`) finds the running server's table and port through
    // this file; a clean stop removes it, so a stale one means the server died.
    const endpointFile = join(options.dataDir, 'endpoint.json');
    await writeFile(
      endpointFile,
      `${JSON.stringify({ endpoint: dynamo.endpoint, tableName, port }, null, 2)}\n`,
      { mode: PRIVATE_FILE_MODE },
    );

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          httpServer.close(() => resolve());
          httpServer.closeAllConnections();
        });
        client.destroy();
        await eventFeed?.stop();
        await rm(endpointFile, { force: true });
        await dynamo.stop();
        await lock.release();
      })();
      return stopping;
    };

    return {
      url,
      port,
      tenantUrl: TENANT_SCIM_PATH.build({ tenantId: options.tenantId }, url),
      token: devToken.token,
      tokenSource: devToken.source,
      tokenStore: fileStore,
      client,
      tableName,
      ...(eventFeed !== undefined ? { eventFeed } : {}),
      stop,
    };
  } catch (error) {
    server?.close();
    await eventFeed?.stop().catch(() => undefined);
    await dynamo.stop();
    await lock.release();
    throw error;
  }
}
