/**
 * The local server: a Node http server that turns requests into API Gateway payload v2 events and hands
 * them to the same handler factories the Lambdas use, dispatched by path as the deployed API does
 * (Users, Groups, everything else -> discovery). Storage is DynamoDB Local (embedded, or an existing
 * endpoint); tokens live in the file token store under the data directory.
 */
import { rm, writeFile } from 'node:fs/promises';
import { STATUS_CODES, createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import { CachedTokenStore } from '../../lambdas/auth/cached-token-store';
import { FileTokenStore, tokenDirectory } from '../../lambdas/auth/file-token-store';
import type { LogLevel } from '../../lambdas/config';
import { createDiscoveryHandler } from '../../lambdas/http/discovery-handler';
import { createDocumentClient } from '../../lambdas/http/handlers';
import { RESOURCE_HANDLER_FACTORIES } from '../../lambdas/http/resource-handlers';
import type { LambdaHandler } from '../../lambdas/http/node-adapter';
import {
  RequestTooLargeError,
  localContext,
  readBody,
  toApiGatewayEvent,
  writeResult,
} from '../../lambdas/http/node-adapter';
import type { HandlerName } from '../../lambdas/http/router';
import { CATCH_ALL_FUNCTION, forEachFunction } from '../../lib/routes';
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
import { SETUP_PATH } from '../../lambdas/paths';
import { createSetupHandler } from '../../lambdas/setup/handler';
import { newSetupLink, setupLinkUrl } from '../../lambdas/setup/links';
import { DynamoDbSetupLinks } from '../../lambdas/store/setup-links';
import { dynamoDbStatusRecorder } from '../../lambdas/store/tenant-status';
import { DynamoDbTenantActivity } from '../../lambdas/store/tenant-status-reader';
import { PRIVATE_FILE_MODE, makeDataDirPrivate } from './data-dir';
import { startLocalEventFeed } from './event-feed';
import type { LocalEventFeed, WebhookOptions } from './event-feed';
import { lockDataDir } from './lock';
import { ensureLocalTenant } from './tenant-token';
import type { LocalTokenSource } from './tenant-token';

export const DEFAULT_TABLE_NAME = 'scim-local';

/**
 * Request line plus headers. Node's default (16 KiB) refuses the documented 10,000-character filter in a
 * GET once percent-encoded (up to 9 bytes a character); 128 KiB holds it in any script, with room for the
 * other headers. The deployed API is tighter (docs/local-server.md).
 */
export const MAX_HEADER_BYTES = 128 * 1024;

/** How long a stop waits for requests in flight before it closes their connections. */
export const DRAIN_TIMEOUT_MS = 10_000;

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
  /** The setup page's status refresh interval (SCIM_SETUP_REFRESH_SECONDS; default 30). */
  readonly setupRefreshSeconds?: number;
}

export interface LocalServer {
  /** http://localhost:<port> */
  readonly url: string;
  readonly port: number;
  /** `${url}/tenants/<tenantId>/scim/v2` */
  readonly tenantUrl: string;
  /** A setup link of the dev tenant, issued on every start (the older ones end). */
  readonly setupLink: string;
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

/**
 * Node answers a request line and headers above MAX_HEADER_BYTES with a bare 431 and no body; this writes
 * the same status with a SCIM error body instead, straight to the socket (no request was parsed).
 */
function onClientError(error: NodeJS.ErrnoException & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const scimError = tooLarge
    ? new ScimError(
        431,
        `The request line and headers exceed ${MAX_HEADER_BYTES} bytes. Send a long filter in the body ` +
          'of a POST to /.search (RFC 7644 §3.4.3).',
      )
    : ScimError.badRequest('The request is not valid HTTP.');
  const body = JSON.stringify(scimError.toBody());
  socket.end(
    `HTTP/1.1 ${scimError.status} ${STATUS_CODES[scimError.status] ?? ''}\r\n` +
      `Content-Type: ${SCIM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
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
    const tokenStore = new CachedTokenStore(fileStore, { ttlMs: 0, newTenantReads: false });

    const repository = new DynamoDbScimRepository({ client, tableName });
    const setupLinks = new DynamoDbSetupLinks({ client, tableName });
    const statusRecorder = dynamoDbStatusRecorder(client, tableName);
    const setupHandler = createSetupHandler({
      links: setupLinks,
      tokens: fileStore,
      tenants: repository,
      activity: new DynamoDbTenantActivity(client, tableName),
      logger,
      ...(options.setupRefreshSeconds !== undefined ? { refreshSeconds: options.setupRefreshSeconds } : {}),
    });
    // One handler per function of the deployed stack (lib/routes.ts), dispatched by the same path rule.
    const handlers: Readonly<Record<HandlerName, LambdaHandler>> = forEachFunction((name) =>
      name === CATCH_ALL_FUNCTION
        ? createDiscoveryHandler({ tokenStore, logger })
        : RESOURCE_HANDLER_FACTORIES[name]({ repository, tokenStore, logger, statusRecorder }),
    );

    // Requests being answered, so that a stop lets them finish (drain) before closing their connections.
    const inFlight = new Set<ServerResponse>();
    let draining = false;
    let drained: (() => void) | undefined;
    const onRequest = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
      inFlight.add(response);
      response.once('close', () => {
        inFlight.delete(response);
        if (inFlight.size === 0) drained?.();
      });
      try {
        const event = toApiGatewayEvent(request, await readBody(request));
        // Only what the API routes to the setup Lambda (`/setup/{code}`, exact and case-sensitive); a
        // trailing slash or a deeper path goes, as there, to the catch-all's 404.
        if (SETUP_PATH.parse(event.rawPath)?.rest === '') {
          writeResult(response, await setupHandler(event));
          return;
        }
        const name = handlerForPath(event.rawPath);
        const result = await handlers[name](event, localContext(name, event.requestContext.requestId));
        // While stopping, no connection is kept alive for another request.
        if (draining) response.setHeader('Connection', 'close');
        writeResult(response, result);
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

    const httpServer = createServer(
      { maxHeaderSize: MAX_HEADER_BYTES },
      (request, response) => void onRequest(request, response),
    );
    httpServer.on('clientError', onClientError);
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

    // A fresh setup link of the dev tenant on every start, so a newcomer can open the page at once.
    const { link, code } = newSetupLink(options.tenantId, new Date());
    await setupLinks.issue(link);
    if ((await repository.getTenant(options.tenantId)) === undefined) {
      await repository.putTenant({ tenantId: options.tenantId, createdAt: link.createdAt });
    }

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        // No new connections (the port is closed), idle ones closed; requests in flight are answered, up
        // to DRAIN_TIMEOUT_MS, before their connections are closed and DynamoDB Local stops.
        draining = true;
        const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeIdleConnections();
        if (inFlight.size > 0) {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            new Promise<void>((resolve) => (drained = resolve)),
            new Promise<void>((resolve) => (timer = setTimeout(resolve, DRAIN_TIMEOUT_MS))),
          ]);
          clearTimeout(timer);
        }
        httpServer.closeAllConnections();
        await closed;
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
      setupLink: setupLinkUrl(url, code),
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
