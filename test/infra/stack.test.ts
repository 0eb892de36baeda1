import { readFileSync } from 'node:fs';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROCESSOR_MAX_CONCURRENCY } from '#infra/constructs/processor.ts';
import { SITE_CORS_ORIGIN } from '#infra/constructs/web-site.ts';
import { ROUTES } from '#shared/http/routes.ts';
import { INDEXES, TABLE_KEY } from '#shared/table/schema.ts';
import { CORS_ORIGIN, only, resources, synthTemplate } from '#test/helpers/template.ts';

let template: Template;
beforeAll(async () => {
  ({ template } = await synthTemplate());
});

const functionNamed = (prefix: string) => only(template, 'AWS::Lambda::Function', prefix);
const logicalIdOf = (type: string, prefix: string) => {
  const found = resources(template, type, prefix);
  expect(found).toHaveLength(1);
  return found[0]?.[0] ?? '';
};
const policyOf = (rolePrefix: string) => {
  const role = logicalIdOf('AWS::IAM::Role', rolePrefix);
  const policies = resources(template, 'AWS::IAM::Policy').filter(([, p]) =>
    p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role),
  );
  return policies.flatMap(
    ([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
  );
};
const actions = (statements: { Action: string | string[] }[]) => statements.flatMap((s) => [s.Action].flat());
const originals = () => logicalIdOf('AWS::S3::Bucket', 'MediaOriginals');
const derived = () => logicalIdOf('AWS::S3::Bucket', 'MediaDerived');
const prefixOf = (bucket: string, prefix: string) => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${prefix}`]],
});

describe('storage', () => {
  it('keeps every bucket private, encrypted, TLS-only and owner-enforced', () => {
    for (const [, bucket] of resources(template, 'AWS::S3::Bucket')) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toEqual({
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      });
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(bucket.DeletionPolicy).toBe('Retain');
    }
    for (const [, policy] of resources(template, 'AWS::S3::BucketPolicy')) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('versions originals, aborts abandoned multipart uploads after a day and expires old versions', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[originals()];
    expect(bucket?.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket?.Properties.LifecycleConfiguration.Rules).toEqual([
      { Id: 'abort-incomplete-uploads', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' },
      {
        Id: 'expire-old-versions',
        NoncurrentVersionExpiration: { NoncurrentDays: 30 },
        ExpiredObjectDeleteMarker: true,
        Status: 'Enabled',
      },
    ]);
    expect(bucket?.Properties.LoggingConfiguration).toMatchObject({ LogFilePrefix: 'originals/' });
  });

  it('lets browsers on the configured origins and the web app upload and read part ETags, nothing more', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[originals()];
    expect(bucket?.Properties.CorsConfiguration).toEqual({
      CorsRules: [
        {
          AllowedOrigins: [CORS_ORIGIN, SITE_CORS_ORIGIN],
          AllowedMethods: ['GET', 'PUT', 'POST', 'HEAD'],
          AllowedHeaders: ['*'],
          ExposedHeaders: ['ETag'],
          MaxAge: 3600,
        },
      ],
    });
  });

  it('sends the originals bucket’s events to EventBridge', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: originals() },
      NotificationConfiguration: { EventBridgeConfiguration: {} },
    });
  });

  it('builds the table from the shared schema, with PITR, deletion protection, retain and TTL', () => {
    const table = only(template, 'AWS::DynamoDB::GlobalTable');
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: TABLE_KEY.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEY.sortKey, KeyType: 'RANGE' },
    ]);
    expect(
      table.Properties.GlobalSecondaryIndexes.map((g: { IndexName: string; KeySchema: unknown }) => [
        g.IndexName,
        g.KeySchema,
      ]),
    ).toEqual(
      Object.values(INDEXES).map((i) => [
        i.name,
        [
          { AttributeName: i.partitionKey, KeyType: 'HASH' },
          { AttributeName: i.sortKey, KeyType: 'RANGE' },
        ],
      ]),
    );
    expect(table.Properties.Replicas[0]).toMatchObject({
      DeletionProtectionEnabled: true,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiration', Enabled: true });
    expect(table.DeletionPolicy).toBe('Retain');
  });
});

describe('events', () => {
  it('routes Object Created under originals/ of the originals bucket only, to the queue with a DLQ and retries', () => {
    const rule = only(template, 'AWS::Events::Rule', 'UploadEvents');
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [{ Ref: originals() }] }, object: { key: [{ prefix: 'originals/' }] } },
    });
    const queue = logicalIdOf('AWS::SQS::Queue', 'UploadEventsQueue');
    const dlq = logicalIdOf('AWS::SQS::Queue', 'UploadEventsDeadLetters');
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [queue, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
      }),
    ]);
  });

  it('archives the same events on the default bus for a finite time', () => {
    const archive = only(template, 'AWS::Events::Archive');
    expect(archive.Properties.RetentionDays).toBe(90);
    expect(JSON.stringify(archive.Properties.SourceArn)).toMatch(/event-bus\/default/);
    expect(archive.Properties.EventPattern).toEqual(
      only(template, 'AWS::Events::Rule', 'UploadEvents').Properties.EventPattern,
    );
  });

  it('hides a message 6× the processor timeout, and dead-letters it after 5 receives into a longer-lived DLQ', () => {
    const queue = only(template, 'AWS::SQS::Queue', 'UploadEventsQueue');
    const dlq = only(template, 'AWS::SQS::Queue', 'UploadEventsDeadLetters');
    const processor = functionNamed('ProcessorFunction');
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * processor.Properties.Timeout);
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', 'UploadEventsDeadLetters'), 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(dlq.Properties.MessageRetentionPeriod).toBeGreaterThan(queue.Properties.MessageRetentionPeriod);
    for (const q of [queue, dlq]) expect(q.Properties.SqsManagedSseEnabled).toBe(true);
  });

  it('feeds the processor partial batch failures with a maximum concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', 'UploadEventsQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: PROCESSOR_MAX_CONCURRENCY },
    });
  });

  it('alarms on dead letters and on the age of the oldest message', () => {
    const alarms = resources(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms).toContainEqual(
      expect.objectContaining({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    expect(alarms).toContainEqual(
      expect.objectContaining({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: 1800,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
  });
});

describe('functions', () => {
  it('run Node.js 22 on arm64 with JSON logs kept a month, never allowed to loop recursively', () => {
    // CDK's own handlers (bucket notifications, the site's deployment) run the runtime CDK gives them.
    const fns = resources(template, 'AWS::Lambda::Function').filter(
      ([id]) => !id.startsWith('BucketNotifications') && !id.startsWith('CustomCDKBucketDeployment'),
    );
    expect(fns).toHaveLength(6);
    for (const [, fn] of fns) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        LoggingConfig: { LogFormat: 'JSON' },
      });
      expect(fn.Properties.RecursiveLoop).not.toBe('Allow');
    }
    for (const [id, group] of resources(template, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays, id).toBeGreaterThanOrEqual(30);
    }
  });

  it('give the processor 2 GiB, 15 minutes, 2 GiB of /tmp and the ffmpeg layer', () => {
    const processor = functionNamed('ProcessorFunction');
    expect(processor.Properties).toMatchObject({ MemorySize: 2048, Timeout: 900, EphemeralStorage: { Size: 2048 } });
    expect(processor.Properties.Environment.Variables).toMatchObject({
      FFMPEG_PATH: '/opt/bin/ffmpeg',
      FFPROBE_PATH: '/opt/bin/ffprobe',
    });
    expect(processor.Properties.Layers).toEqual([{ Ref: logicalIdOf('AWS::Lambda::LayerVersion', 'Ffmpeg') }]);
    template.hasResourceProperties('AWS::Lambda::LayerVersion', { CompatibleArchitectures: ['arm64'] });
  });
});

describe('the face stage', () => {
  it('has its own queue, hiding a message 6× its function’s timeout, dead-lettered after 10 receives', () => {
    const queue = only(template, 'AWS::SQS::Queue', 'FacesQueue');
    const fn = functionNamed('FacesFunction');
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
    expect(queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', 'FacesDeadLetters'), 'Arn'] },
      maxReceiveCount: 10,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', 'FacesQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('runs with 2 GiB and the bundled models, and the processor is told its queue and may send to it', () => {
    const fn = functionNamed('FacesFunction');
    expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(1536);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      DARKROOM_FACE_MODEL_DIR: '/var/task/face-models',
      DARKROOM_FACE_WASM_DIR: '/var/task/tfjs-wasm',
    });
    const queue = logicalIdOf('AWS::SQS::Queue', 'FacesQueue');
    expect(functionNamed('ProcessorFunction').Properties.Environment.Variables.FACE_QUEUE_URL).toEqual({ Ref: queue });
    expect(actions(policyOf('ProcessorFunctionServiceRole'))).toContain('sqs:SendMessage');
  });

  it('reads previews and writes crops under derived/ only, never an original', () => {
    const statements = policyOf('FacesFunctionServiceRole');
    expect(statements).toContainEqual({
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Effect: 'Allow',
      Resource: prefixOf(derived(), 'derived/*'),
    });
    expect(JSON.stringify(statements)).not.toContain('originals/');
    // A photo that meets another clustering run shows its message again in seconds.
    expect(actions(statements)).toContain('sqs:ChangeMessageVisibility');
  });
});

describe('least privilege', () => {
  it('never grants s3:* or dynamodb:* or any action on *', () => {
    for (const [, policy] of resources(template, 'AWS::IAM::Policy')) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        for (const action of [statement.Action].flat()) expect(action).not.toMatch(/^(\*|s3:\*|dynamodb:\*)$/);
      }
    }
  });

  it('lets the authorizer read keys and nothing else', () => {
    expect(policyOf('ApiAuthorizerServiceRole')).toEqual([
      {
        Action: 'dynamodb:GetItem',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalIdOf('AWS::DynamoDB::GlobalTable', 'Assets'), 'Arn'] },
      },
    ]);
  });

  it('lets the processor read and remove originals but never write one', () => {
    const statements = policyOf('ProcessorFunctionServiceRole').filter((s) =>
      JSON.stringify(s.Resource).includes('originals/'),
    );
    expect(statements).toEqual([
      { Action: ['s3:GetObject', 's3:DeleteObject'], Effect: 'Allow', Resource: prefixOf(originals(), 'originals/*') },
    ]);
    expect(policyOf('ProcessorFunctionServiceRole')).toContainEqual({
      Action: ['s3:PutObject', 's3:DeleteObject'],
      Effect: 'Allow',
      Resource: prefixOf(derived(), 'derived/*'),
    });
    expect(actions(policyOf('ProcessorFunctionServiceRole'))).not.toContain('dynamodb:Query');
  });

  it('scopes the API to the originals/ and derived/ prefixes and the table with its indexes', () => {
    const statements = policyOf('ApiHandlerServiceRole');
    expect(statements).toContainEqual({
      Action: [
        's3:PutObject',
        's3:GetObject',
        's3:DeleteObject',
        's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts',
      ],
      Effect: 'Allow',
      Resource: prefixOf(originals(), 'originals/*'),
    });
    const table = logicalIdOf('AWS::DynamoDB::GlobalTable', 'Assets');
    expect(statements).toContainEqual(
      expect.objectContaining({
        Resource: [
          { 'Fn::GetAtt': [table, 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/*']] },
        ],
      }),
    );
  });
});

describe('the geo index', () => {
  it('is sparse and projects only the position and media type, by value', () => {
    const table = only(template, 'AWS::DynamoDB::GlobalTable');
    expect(table.Properties.GlobalSecondaryIndexes).toContainEqual({
      IndexName: 'gsi5',
      KeySchema: [
        { AttributeName: 'gsi5pk', KeyType: 'HASH' },
        { AttributeName: 'gsi5sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['geoLat', 'geoLon', 'mimeType'] },
    });
    expect(table.Properties.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'gsi5pk', AttributeType: 'S' },
        { AttributeName: 'gsi5sk', AttributeType: 'S' },
      ]),
    );
  });
});

describe('the change feed', () => {
  it("streams the table's changes with the item before and after", () => {
    const table = only(template, 'AWS::DynamoDB::GlobalTable');
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });

  it('feeds the writer only entity items, in order per shard, resuming at the failed record, halving poison batches, then sending them to a queue', () => {
    const mapping = only(template, 'AWS::Lambda::EventSourceMapping', 'FeedFunction');
    const table = logicalIdOf('AWS::DynamoDB::GlobalTable', 'Assets');
    expect(mapping.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [table, 'StreamArn'] },
      FunctionName: { Ref: logicalIdOf('AWS::Lambda::Function', 'FeedFunction') },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 20,
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', 'FeedFailures'), 'Arn'] } },
      },
    });
    expect(mapping.Properties.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual([
      ...['ASSET', 'FACE', 'PERSON', 'ALBUM'].map((kind) => ({
        dynamodb: { Keys: { pk: { S: [{ prefix: `${kind}#` }] }, sk: { S: [kind] } } },
      })),
      // An album's memberships: one item per asset, ALBUM#{album} / ASSET#{asset}.
      { dynamodb: { Keys: { pk: { S: [{ prefix: 'ALBUM#' }] }, sk: { S: [{ prefix: 'ASSET#' }] } } } },
    ]);
  });

  it('may read and conditionally put claims, entries and asset counters and read the stream, nothing more', () => {
    const table = logicalIdOf('AWS::DynamoDB::GlobalTable', 'Assets');
    const statements = policyOf('FeedFunctionServiceRole');
    expect(statements).toContainEqual({
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [table, 'Arn'] },
    });
    expect(
      actions(statements)
        .filter((a) => a.startsWith('dynamodb:'))
        .sort(),
    ).toEqual(
      [
        'dynamodb:DescribeStream',
        'dynamodb:GetItem',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
        'dynamodb:PutItem',
        'dynamodb:Query',
      ].sort(),
    );
    expect(functionNamed('FeedFunction').Properties).toMatchObject({ MemorySize: 512, Timeout: 60 });
  });

  it('serves GET /api/events', () => {
    expect(ROUTES.listEvents).toEqual({ method: 'GET', path: '/api/events', auth: true });
  });
});

describe('the sweeper', () => {
  const sweeper = () => logicalIdOf('AWS::Lambda::Function', 'SweeperFunction');

  it('keeps a sparse index of pending uploads, keyed as shared/table/keys.ts writes it', () => {
    const table = only(template, 'AWS::DynamoDB::GlobalTable');
    expect(table.Properties.GlobalSecondaryIndexes).toContainEqual({
      IndexName: 'gsi3',
      KeySchema: [
        { AttributeName: 'gsi3pk', KeyType: 'HASH' },
        { AttributeName: 'gsi3sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
    expect(INDEXES.pendingUploads).toEqual({ name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' });
  });

  it('runs every 5 minutes from EventBridge Scheduler, never retrying a run the next one makes up for', () => {
    const schedule = only(template, 'AWS::Scheduler::Schedule');
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [sweeper(), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 300 },
      },
    });
    const role = schedule.Properties.Target.RoleArn['Fn::GetAtt'][0];
    const statements = resources(template, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [
          { 'Fn::GetAtt': [sweeper(), 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [sweeper(), 'Arn'] }, ':*']] },
        ],
      },
    ]);
    expect(only(template, 'AWS::IAM::Role', role).Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({ Principal: { Service: 'scheduler.amazonaws.com' } }),
    ]);
  });

  it('is a small function without media code that finishes before the next run and knows the queue', () => {
    const fn = functionNamed('SweeperFunction');
    expect(fn.Properties).toMatchObject({ MemorySize: 512, Timeout: 240 });
    expect(fn.Properties.Layers).toBeUndefined();
    expect(fn.Properties.Environment.Variables).toMatchObject({
      PROCESSING_QUEUE_URL: { Ref: logicalIdOf('AWS::SQS::Queue', 'UploadEventsQueue') },
      TABLE_NAME: { Ref: logicalIdOf('AWS::DynamoDB::GlobalTable', 'Assets') },
    });
  });

  it('may read and rewrite the table, HEAD and delete originals, delete derived files and send to the queue, nothing more', () => {
    const table = logicalIdOf('AWS::DynamoDB::GlobalTable', 'Assets');
    expect(policyOf('SweeperFunctionServiceRole')).toEqual([
      {
        Action: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'].map((a) => `dynamodb:${a}`),
        Effect: 'Allow',
        Resource: [
          { 'Fn::GetAtt': [table, 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/*']] },
        ],
      },
      { Action: ['s3:GetObject', 's3:DeleteObject'], Effect: 'Allow', Resource: prefixOf(originals(), 'originals/*') },
      { Action: 's3:DeleteObject', Effect: 'Allow', Resource: prefixOf(derived(), 'derived/*') },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: { 'Fn::GetAtt': [originals(), 'Arn'] } },
      {
        Action: 'sqs:SendMessage',
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', 'UploadEventsQueue'), 'Arn'] },
      },
    ]);
  });
});

describe('the HTTP API', () => {
  it('has every route of the route table, all but health, ping and the OpenAPI document behind the key authorizer', () => {
    const authorizer = logicalIdOf('AWS::ApiGatewayV2::Authorizer', 'ApiHttpApiApiKey');
    const routes = resources(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      Object.values(ROUTES)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
    for (const route of routes) {
      const open = ['GET /api/health', 'GET /api/server/ping', 'GET /api/openapi.json'];
      if (open.includes(route.RouteKey)) expect(route.AuthorizationType).toBe('NONE');
      else
        expect(route, route.RouteKey).toMatchObject({ AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: authorizer } });
    }
  });

  it('resolves keys with a simple-response Lambda authorizer, uncached, with no identity source', () => {
    const authorizer = only(template, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
    });
    expect(authorizer.Properties.IdentitySource ?? []).toEqual([]);
  });

  it('logs access, throttles, and allows CORS for the configured origins', () => {
    const stage = only(template, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalIdOf('AWS::Logs::LogGroup', 'ApiAccessLogs'), 'Arn'] },
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        AllowOrigins: [CORS_ORIGIN],
        AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        AllowMethods: ['GET', 'POST', 'PATCH', 'DELETE'],
      }),
    });
  });

  it('publishes the API and web app URLs, buckets, table and queues as outputs', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(
      [
        'ApiUrl',
        'WebAppUrl',
        'ArchiveName',
        'DeadLetterQueueUrl',
        'DerivedBucket',
        'FaceDeadLetterQueueUrl',
        'FaceFunction',
        'FaceQueueUrl',
        'OriginalsBucket',
        'ProcessingRuleArn',
        'ProcessorFunction',
        'QueueUrl',
        'SweeperFunction',
        'FeedWriterFunction',
        'FeedFailureQueueUrl',
        'TableName',
      ].sort(),
    );
  });
});

describe('cdk-nag', () => {
  it('finds nothing unacknowledged under AwsSolutionsChecks, and every acknowledgement has a reason', async () => {
    const { app } = await synthTemplate();
    expect(() => app.synth()).not.toThrow();
    const reasons = [
      ...readFileSync('infra/nag-suppressions.ts', 'utf8').matchAll(
        /acknowledge\(\s*[\w.]+,\s*[`'"][^`'"]+[`'"],\s*([`'"])(.*?)\1/gs,
      ),
    ];
    expect(reasons.length).toBeGreaterThanOrEqual(4);
    for (const match of reasons) expect((match[2] ?? '').length).toBeGreaterThan(30);
  });
});
