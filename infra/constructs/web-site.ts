import { Aws, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { SITE_CONFIG_FILE, type SiteConfig, type SiteHeaders, siteHeaders } from '#shared/web/site-headers.ts';
import { secure } from './media-buckets.ts';

/**
 * The origin pattern the media buckets' CORS allows for the app. It cannot be the distribution's
 * own domain: the CSP names the buckets, the distribution carries the CSP, and a bucket's CORS
 * naming the distribution would close the loop (CloudFormation refuses the cycle). Of the two
 * sides, this is the one that may widen: the buckets are private and every browser request to
 * them carries its own SigV4 signature, which no browser sends by itself, so a page on another
 * CloudFront domain can do nothing with CORS that it could not do with the same signed URL from
 * a server. A wildcard in the CSP instead would let the app's page load from and send to any
 * bucket in the region. Fixed bucket names (a CSP that need not refer to the buckets) would
 * replace a deployed stack's retained buckets with new, empty ones.
 */
export const SITE_CORS_ORIGIN = 'https://*.cloudfront.net';

/**
 * Where the API signs media URLs in AWS (shared/aws/clients.ts: no endpoint, so virtual-hosted
 * style): `https://<bucket>.s3.<region>.amazonaws.com`, in us-east-1 too, for GETs, presigned POSTs
 * and part PUTs alike. Spelt out as the SDK builds it, not taken from the bucket's
 * RegionalDomainName, whose form is CloudFormation's to choose.
 */
export const mediaOrigin = (bucket: IBucket): string =>
  Fn.join('', ['https://', bucket.bucketName, '.s3.', Aws.REGION, '.', Aws.URL_SUFFIX]);

export interface WebSiteProps {
  /** The built app (infra/build/web-app.ts): index.html and hashed assets/. */
  webApp: string;
  httpApi: IHttpApi;
  /** The buckets the app's signed URLs and upload targets point at. */
  media: IBucket[];
  accessLogs: IBucket;
}

/**
 * The web app on CloudFront, one origin with the API: the site bucket by default, `/api/*` to the
 * HTTP API, both under the security headers of shared/web/site-headers.ts.
 */
export class WebSite extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** The role of CDK's deployment handler, which both deployments share. */
  readonly deploymentRole: IRole;

  constructor(scope: Construct, id: string, props: WebSiteProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      ...secure,
      // Rebuildable from the source, but the stack retains every bucket: a teardown deletes nothing by surprise.
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'site/',
    });
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Darkroom web app: shared/web/site-headers.ts',
      ...responseHeaders(siteHeaders({ media: props.media.map(mediaOrigin) })),
    });
    // API Gateway answers on its own host only, so the viewer's Host must not be forwarded.
    const apiHost = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Darkroom web app and API',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
      },
      additionalBehaviors: {
        // Uncached, and every viewer header but Host reaches the API: with caching off, CloudFront
        // forwards Authorization under an all-viewer origin request policy.
        '/api/*': {
          origin: new HttpOrigin(apiHost, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
        },
      },
    });
    this.deploymentRole = this.deploy(props.webApp);
  }

  /** The app's URL, which is also the API's: its routes are under /api. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  private deploy(webApp: string): IRole {
    const app = Source.asset(webApp);
    const common = {
      destinationBucket: this.bucket,
      logGroup: new LogGroup(this, 'DeploymentLogs', {
        retention: RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    };
    // Vite names every asset by its content, so they never change under their name. Old ones stay:
    // a page loaded before the deploy still asks for its own.
    const assets = new BucketDeployment(this, 'Assets', {
      ...common,
      sources: [app],
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
    });
    const config: SiteConfig = { apiUrl: this.url };
    // The page and its config are revalidated on every load and leave the edge caches on deploy.
    // Excluded from its sync, assets/ is neither written nor pruned by this one.
    const page = new BucketDeployment(this, 'Page', {
      ...common,
      sources: [app, Source.jsonData(SITE_CONFIG_FILE, config)],
      exclude: ['assets/*'],
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    // A new page must never reach the bucket before the assets it names.
    page.node.addDependency(assets);
    return page.handlerRole;
  }
}

const REFERRER: Record<SiteHeaders['referrerPolicy'], HeadersReferrerPolicy> = {
  'no-referrer': HeadersReferrerPolicy.NO_REFERRER,
};
const FRAME: Record<SiteHeaders['frameOptions'], HeadersFrameOption> = { DENY: HeadersFrameOption.DENY };

/** siteHeaders() as CloudFront's typed settings; each overrides whatever an origin sends. */
const responseHeaders = (headers: SiteHeaders) => {
  const hsts = headers.strictTransportSecurity;
  return {
    securityHeadersBehavior: {
      contentSecurityPolicy: { contentSecurityPolicy: headers.contentSecurityPolicy, override: true },
      strictTransportSecurity: {
        accessControlMaxAge: Duration.seconds(hsts.maxAgeSeconds),
        includeSubdomains: hsts.includeSubdomains,
        preload: hsts.preload,
        override: true,
      },
      frameOptions: { frameOption: FRAME[headers.frameOptions], override: true },
      referrerPolicy: { referrerPolicy: REFERRER[headers.referrerPolicy], override: true },
      // nosniff is the header's only value: CloudFront only asks whether to send it.
      contentTypeOptions: { override: true },
    },
    customHeadersBehavior: {
      customHeaders: Object.entries(headers.custom).map(([header, value]) => ({ header, value, override: true })),
    },
  };
};
