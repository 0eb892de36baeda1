import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CorsHttpMethod,
  HttpApi,
  type HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct, type IConstruct } from 'constructs';
import { API_CORS, ROUTES, type Route, type RouteName } from '#shared/http/routes.ts';
import { FFMPEG_ENV } from './ffmpeg-layer.ts';
import { darkroomFunction, MEDIA_MODULES } from './function-defaults.ts';
import { allowDerived, allowOriginals, allowTable } from './grants.ts';

export interface ApiProps {
  table: ITableV2;
  originals: IBucket;
  derived: IBucket;
  ffmpeg: ILayerVersion;
  environment: Record<string, string>;
  corsOrigins: string[];
}

/** The HTTP API: every route of shared/http/routes.ts, all but health and ping behind the key authorizer. */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly handler: NodejsFunction;
  readonly authorizer: NodejsFunction;
  /** The routes without a key: health and the SDK's ping. */
  /** The routes without the key (health, ping, the OpenAPI document), by route name, for review. */
  readonly openRoutes: Partial<Record<RouteName, IConstruct>> = {};

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.authorizer = darkroomFunction(this, 'Authorizer', {
      entry: join(import.meta.dirname, '../../functions/authorizer/handler.ts'),
      memorySize: 512,
      timeout: Duration.seconds(5),
      environment: props.environment,
    });
    allowTable(this.authorizer, props.table, ['GetItem']);

    this.handler = darkroomFunction(this, 'Handler', {
      entry: join(import.meta.dirname, '../../functions/api/handler.ts'),
      // Direct uploads are processed inline: the same decoders as the processor.
      memorySize: 2048,
      timeout: Duration.seconds(29),
      nodeModules: MEDIA_MODULES,
      placeIndex: true,
      layers: [props.ffmpeg],
      environment: { ...props.environment, ...FFMPEG_ENV },
    });
    allowTable(
      this.handler,
      props.table,
      ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchGetItem', 'ConditionCheckItem'],
      true,
    );
    // Put: direct uploads, presigned POSTs and parts. Get: only to sign download URLs.
    allowOriginals(this.handler, props.originals, [
      'PutObject',
      'GetObject',
      'DeleteObject',
      'AbortMultipartUpload',
      'ListMultipartUploadParts',
    ]);
    allowDerived(this.handler, props.derived, ['PutObject', 'GetObject', 'DeleteObject']);

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Darkroom asset API',
      // The $default stage is made below, with its access logs and throttling.
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: props.corsOrigins,
        allowMethods: API_CORS.methods.map((m) => m as CorsHttpMethod),
        allowHeaders: [...API_CORS.headers],
        maxAge: Duration.seconds(API_CORS.maxAgeSeconds),
      },
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            route: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            error: '$context.authorizer.error',
          }),
        ),
      },
    });

    // No identity source and no cache: a missing header still reaches the authorizer (401 with a
    // detail, not API Gateway's bare answer) and a revoked key stops working at once.
    const authorizer = new HttpLambdaAuthorizer('ApiKey', this.authorizer, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    const integration = new HttpLambdaIntegration('Handler', this.handler);
    for (const [name, route] of Object.entries(ROUTES) as [RouteName, Route][]) {
      const [added] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method as HttpMethod],
        integration,
        ...(route.auth && { authorizer }),
      });
      if (!route.auth && added) this.openRoutes[name] = added;
    }
  }
}
