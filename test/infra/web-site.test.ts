import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { AllowedMethods, CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { mediaOrigin, SITE_CORS_ORIGIN } from '#infra/constructs/web-site.ts';
import { createClients } from '#shared/aws/clients.ts';
import { loadConfig } from '#shared/config.ts';
import { S3Multipart } from '#shared/storage/s3-multipart.ts';
import { S3Storage } from '#shared/storage/s3-storage.ts';
import { headerLines, SITE_CONFIG_FILE, siteHeaders } from '#shared/web/site-headers.ts';
import { only, resources, synthTemplate } from '#test/helpers/template.ts';

let app: App;
let template: Template;
beforeAll(async () => {
  ({ app, template } = await synthTemplate());
});

const logicalIdOf = (type: string, prefix: string) => {
  const found = resources(template, type, prefix);
  expect(found).toHaveLength(1);
  return found[0]?.[0] ?? '';
};

/** A CloudFormation value as text: Ref and GetAtt become `<Id>` / `<Id.Attr>` unless `names` knows them. */
const render = (value: unknown, names: Record<string, string> = {}): string => {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (typeof v.Ref === 'string') return names[v.Ref] ?? `<${v.Ref}>`;
  if (Array.isArray(v['Fn::GetAtt'])) return `<${v['Fn::GetAtt'].join('.')}>`;
  const join = v['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map((part) => render(part, names)).join(join[0]);
  throw new Error(`cannot render ${JSON.stringify(value)}`);
};

const distribution = () => only(template, 'AWS::CloudFront::Distribution').Properties.DistributionConfig;
const behaviour = (pattern: string) =>
  distribution().CacheBehaviors.find((b: { PathPattern: string }) => b.PathPattern === pattern);
const originOf = (behaviour: { TargetOriginId: string }) =>
  distribution().Origins.find((o: { Id: string }) => o.Id === behaviour.TargetOriginId);
const deployment = (prefix: string) => only(template, 'Custom::CDKBucketDeployment', prefix);

describe('the web app on CloudFront', () => {
  it('sends exactly the headers of siteHeaders(), naming the media buckets as the API signs them', () => {
    const policy = only(template, 'AWS::CloudFront::ResponseHeadersPolicy').Properties.ResponseHeadersPolicyConfig;
    const bucket = (prefix: string) => `<${logicalIdOf('AWS::S3::Bucket', prefix)}>`;
    const expected = siteHeaders({
      media: [bucket('MediaOriginals'), bucket('MediaDerived')].map(
        (b) => `https://${b}.s3.<AWS::Region>.<AWS::URLSuffix>`,
      ),
    });
    const security = policy.SecurityHeadersConfig;
    const hsts = security.StrictTransportSecurity;
    // The policy as the header lines CloudFront sends: the same as the local server's, header for header.
    const sent = {
      'content-security-policy': render(security.ContentSecurityPolicy.ContentSecurityPolicy),
      'strict-transport-security': `max-age=${hsts.AccessControlMaxAgeSec}${hsts.IncludeSubdomains ? '; includeSubDomains' : ''}${hsts.Preload ? '; preload' : ''}`,
      'x-frame-options': security.FrameOptions.FrameOption,
      'referrer-policy': security.ReferrerPolicy.ReferrerPolicy,
      ...(security.ContentTypeOptions && { 'x-content-type-options': 'nosniff' }),
      ...Object.fromEntries(
        policy.CustomHeadersConfig.Items.map((h: { Header: string; Value: string }) => [h.Header, h.Value]),
      ),
    };
    expect(sent).toEqual(headerLines(expected));
    // No security header beyond those five (an X-XSS-Protection the local server never sends).
    expect(Object.keys(security).sort()).toEqual([
      'ContentSecurityPolicy',
      'ContentTypeOptions',
      'FrameOptions',
      'ReferrerPolicy',
      'StrictTransportSecurity',
    ]);
    // Each one replaces whatever the origin (the API) might send.
    for (const header of [...Object.values(security), ...policy.CustomHeadersConfig.Items]) {
      expect((header as { Override: boolean }).Override).toBe(true);
    }
    const id = logicalIdOf('AWS::CloudFront::ResponseHeadersPolicy', 'Site');
    expect(distribution().DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: id });
    expect(behaviour('/api/*').ResponseHeadersPolicyId).toEqual({ Ref: id });
  });

  it('names in the CSP the very origins the API signs GETs, presigned POSTs and part PUTs for in AWS', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    try {
      for (const region of ['us-east-1', 'eu-west-1']) {
        const bucket = 'darkroom-mediaoriginals1a2b3c-abc123def456';
        const config = loadConfig({
          TABLE_NAME: 't',
          ORIGINALS_BUCKET: bucket,
          DERIVED_BUCKET: bucket,
          AWS_REGION: region,
        });
        const { s3 } = createClients(config);
        const storage = new S3Storage(s3, { originals: bucket, derived: bucket }, 0);
        const urls = [
          (
            await storage.presignUpload({
              key: 'originals/k',
              contentType: 'image/jpeg',
              size: 1,
              expiresInSeconds: 60,
            })
          ).url,
          await storage.originalUrl('originals/k', 'image/jpeg', 'a.jpg'),
          await storage.derivedUrl('derived/k', 'image/webp'),
          ...(await new S3Multipart(s3, bucket).signParts('originals/k', 'u', [{ partNumber: 1, size: 1 }], 60)).map(
            (p) => p.url,
          ),
        ];
        const stack = new Stack();
        const source = render(stack.resolve(mediaOrigin(Bucket.fromBucketName(stack, 'B', bucket))), {
          'AWS::Region': region,
          'AWS::URLSuffix': 'amazonaws.com',
        });
        for (const url of urls) expect(new URL(url).origin, url).toBe(source);
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('serves a private, TLS-only site bucket through an origin access control, readable by this distribution only', () => {
    const site = logicalIdOf('AWS::S3::Bucket', 'SiteBucket');
    const bucket = only(template, 'AWS::S3::Bucket', 'SiteBucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: logicalIdOf('AWS::S3::Bucket', 'MediaAccessLogs') },
      LogFilePrefix: 'site/',
    });
    const oac = only(template, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const origin = originOf(distribution().DefaultCacheBehavior);
    expect(origin).toMatchObject({
      DomainName: { 'Fn::GetAtt': [site, 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [logicalIdOf('AWS::CloudFront::OriginAccessControl', 'Site'), 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    const [, policy] = resources(template, 'AWS::S3::BucketPolicy').find(
      ([, p]) => p.Properties.Bucket.Ref === site,
    ) ?? [undefined, undefined];
    const statements = policy?.Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const grants = statements.filter((s: { Effect: string }) => s.Effect === 'Allow');
    expect(grants).toEqual([
      {
        Action: 's3:GetObject',
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [site, 'Arn'] }, '/*']] },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      },
    ]);
    expect(render(grants[0].Condition.StringEquals['AWS:SourceArn'])).toBe(
      `arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${logicalIdOf('AWS::CloudFront::Distribution', 'Site')}>`,
    );
  });

  it('answers / with index.html over HTTPS only', () => {
    expect(distribution().DefaultRootObject).toBe('index.html');
    expect(distribution().DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(behaviour('/api/*').ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  it('sends /api/* to the HTTP API uncached, with every method and every viewer header but Host', () => {
    const api = behaviour('/api/*');
    expect(api).toMatchObject({
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
      AllowedMethods: AllowedMethods.ALLOW_ALL.methods,
    });
    expect(AllowedMethods.ALLOW_ALL.methods).toEqual(expect.arrayContaining(['POST', 'PATCH', 'DELETE', 'PUT']));
    expect(originOf(api)).toMatchObject({
      DomainName: {
        'Fn::Select': [
          2,
          {
            'Fn::Split': ['/', { 'Fn::GetAtt': [logicalIdOf('AWS::ApiGatewayV2::Api', 'ApiHttpApi'), 'ApiEndpoint'] }],
          },
        ],
      },
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
    });
    // The default behaviour stays the cached bucket: no API answer is ever cached by the site's policy.
    expect(distribution().DefaultCacheBehavior.CachePolicyId).toBe(CachePolicy.CACHING_OPTIMIZED.cachePolicyId);
  });

  it('deploys the built app with config.json naming the distribution as the API, then invalidates the page', () => {
    const page = deployment('SitePage');
    const keys: string[] = page.Properties.SourceObjectKeys;
    const folder = (key: string) => join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
    expect(keys.map((key) => existsSync(join(folder(key), 'index.html')))).toEqual([true, false]);
    const configKey = keys[1] ?? '';
    const config = readFileSync(join(folder(configKey), SITE_CONFIG_FILE), 'utf8');
    const markers: Record<string, unknown> = page.Properties.SourceMarkers[1];
    const resolved = Object.entries(markers).reduce(
      (text, [marker, value]) => text.replace(marker, render(value)),
      config,
    );
    const distributionId = logicalIdOf('AWS::CloudFront::Distribution', 'Site');
    expect(JSON.parse(resolved)).toEqual({ apiUrl: `https://<${distributionId}.DomainName>` });
    expect(render(template.findOutputs('WebAppUrl').WebAppUrl?.Value)).toBe(`https://<${distributionId}.DomainName>`);
    expect(page.Properties).toMatchObject({
      Exclude: ['assets/*'],
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionId: { Ref: distributionId },
      DistributionPaths: ['/*'],
    });
    expect(page.DependsOn).toContain(logicalIdOf('Custom::CDKBucketDeployment', 'SiteAssets'));
  });

  it('deploys the hashed assets immutable for a year and never prunes the ones an open page may still load', () => {
    const assets = deployment('SiteAssets');
    expect(assets.Properties.SourceObjectKeys).toEqual([deployment('SitePage').Properties.SourceObjectKeys[0]]);
    expect(assets.Properties).toMatchObject({
      Exclude: ['*'],
      Include: ['assets/*'],
      Prune: false,
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
  });

  // Template.fromStack refuses a template with a dependency cycle, so these tests running at all
  // says the CSP's bucket names and the buckets' CORS do not close one.
  it('lets the media buckets take uploads from the app', () => {
    for (const prefix of ['MediaOriginals', 'MediaDerived']) {
      const cors = only(template, 'AWS::S3::Bucket', prefix).Properties.CorsConfiguration;
      expect(cors.CorsRules[0].AllowedOrigins, prefix).toContain(SITE_CORS_ORIGIN);
      expect(cors.CorsRules[0].ExposedHeaders).toEqual(['ETag']);
    }
  });
});
