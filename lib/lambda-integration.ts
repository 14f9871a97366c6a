/**
 * A Lambda proxy integration (payload format 2.0) that adds no invoke permission of its own: the stack
 * grants each function exactly the source ARNs of its routes (lib/routes.ts invokeSourceArnResource),
 * instead of CDK's per-route statements (literal `{tenantId}` in the ARN) or its API-wide `*\/*\/*`, which
 * does not match the `$default` route's `<stage>/$default`.
 */
import {
  HttpIntegrationType,
  type HttpRouteIntegrationBindOptions,
  type HttpRouteIntegrationConfig,
  HttpRouteIntegration,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';

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
