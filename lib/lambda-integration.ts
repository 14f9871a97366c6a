/**
 * A Lambda proxy integration (payload format 2.0) that adds no invoke permission of its own: the stack
 * grants each function exactly the source ARNs of its routes (lib/routes.ts invokeSourceArnResource),
 * instead of CDK's per-route statements (literal `{tenantId}` in the ARN) or its API-wide `*\/*\/*`, which
 * does not match the `$default` route's `<stage>/$default`.
 */
import { Stack } from 'aws-cdk-lib';
import {
  type HttpApi,
  HttpIntegrationType,
  type HttpRouteIntegrationBindOptions,
  type HttpRouteIntegrationConfig,
  HttpRouteIntegration,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { invokeSourceArnResource } from './routes';

export class LambdaProxyIntegration extends HttpRouteIntegration {
  constructor(
    id: string,
    private readonly handler: IFunction,
  ) {
    super(id);
  }

  bind(_options: HttpRouteIntegrationBindOptions): HttpRouteIntegrationConfig {
    return {
      type: HttpIntegrationType.AWS_PROXY,
      uri: this.handler.functionArn,
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    };
  }
}

/**
 * Lets `api` invoke `handler` for exactly one route: `<api-id>/<stage>/<method>/<path>` (lib/routes.ts).
 * `method` undefined: a route of method ANY (or `$default`).
 */
export function allowRouteInvoke(handler: IFunction, api: HttpApi, path: string, method?: string): void {
  const id = `ApiInvoke${`${method ?? ''} ${path}`
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .replace(/ /g, '-')}`;
  handler.addPermission(id, {
    principal: new ServicePrincipal('apigateway.amazonaws.com'),
    sourceArn: Stack.of(api).formatArn({
      service: 'execute-api',
      resource: api.apiId,
      resourceName: invokeSourceArnResource(path, method),
    }),
  });
}
