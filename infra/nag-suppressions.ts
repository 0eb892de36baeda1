import { type CfnElement, DefaultStackSynthesizer, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { RouteName } from '#shared/http/routes.ts';
import { DERIVED_PREFIX, ORIGINALS_PREFIX } from '#shared/object-keys.ts';

export interface Reviewed {
  originals: IConstruct;
  derived: IConstruct;
  table: IConstruct;
  openRoutes: Partial<Record<RouteName, IConstruct>>;
  sweeperFunction: IConstruct;
  feedFailures: IConstruct;
  siteBucket: IConstruct;
  siteDistribution: IConstruct;
  /** CDK's BucketDeployment handler's role (one for both deployments of the site). */
  siteDeploymentRole: IConstruct;
}

/** Why each route without the key is open; a new open route fails the synth until it is reviewed here. */
const OPEN_ROUTES = {
  health: 'GET /api/health is public by design: load balancers and uptime checks call it, and it returns no data.',
  ping: "GET /api/server/ping is public by design: the Gumnut SDK's unauthenticated uptime check; it answers `pong` and nothing else.",
  openApi:
    'GET /api/openapi.json is public by design: client generators fetch the API description before they have a key; it holds no data.',
} as const satisfies Partial<Record<RouteName, string>>;

const logicalId = (stack: Stack, construct: IConstruct) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);

/**
 * The cdk-nag AwsSolutions findings we accept, each for one exact finding and with its reason;
 * anything else fails the synth.
 */
export const acknowledgeFindings = (stack: Stack, reviewed: Reviewed) => {
  const acknowledge = (scope: IConstruct, id: string, reason: string) =>
    Validations.of(scope).acknowledge({ id, reason });
  acknowledge(
    stack,
    'AwsSolutions-L1',
    'Node.js 22 is the runtime Darkroom targets and is tested on; moving to a newer one is a deliberate, tested change.',
  );
  acknowledge(
    stack,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'The AWS-managed basic execution role only lets a function write its own CloudWatch logs.',
  );
  const prefixes: [IConstruct, string][] = [
    [reviewed.originals, ORIGINALS_PREFIX],
    [reviewed.derived, DERIVED_PREFIX],
  ];
  for (const [bucket, prefix] of prefixes) {
    acknowledge(
      stack,
      `AwsSolutions-IAM5[Resource::<${logicalId(stack, bucket)}.Arn>/${prefix}*]`,
      `Objects are keyed per owner and asset under ${prefix}; grants are scoped to that prefix and to named actions, since object ARNs only exist at run time.`,
    );
  }
  acknowledge(
    stack,
    `AwsSolutions-IAM5[Resource::<${logicalId(stack, reviewed.table)}.Arn>/index/*]`,
    "The API queries the table's two timeline indexes; the grant names the table and its indexes only.",
  );
  acknowledge(
    stack,
    `AwsSolutions-IAM5[Resource::<${logicalId(stack, reviewed.sweeperFunction)}.Arn>:*]`,
    "EventBridge Scheduler's role may invoke the sweeper function and its versions (the L2 target's grant); it can invoke nothing else.",
  );
  acknowledge(
    reviewed.feedFailures,
    'AwsSolutions-SQS3',
    "The feed writer's failure queue is itself the stream mapping's on-failure destination: it holds the coordinates of records that failed every retry, for a replay, behind an alarm.",
  );
  acknowledgeSite(acknowledge, reviewed);
  for (const [name, route] of Object.entries(reviewed.openRoutes) as [RouteName, IConstruct][]) {
    const why = OPEN_ROUTES[name as keyof typeof OPEN_ROUTES];
    if (!why) throw new Error(`${name} has no key and no reviewed reason to be open`);
    acknowledge(route, 'AwsSolutions-APIG4', why);
  }
};

/**
 * The CDK asset bucket's objects as cdk-nag spells them: the bootstrap bucket's name, with the
 * stack's account and region where the environment names them and CloudFormation's otherwise.
 */
const assetBucketObjects = (stack: Stack) => {
  const qualifier = stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  return `arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-${account}-${region}/*`;
};

/** The web app's distribution and the deployment that fills its bucket (infra/constructs/web-site.ts). */
const acknowledgeSite = (acknowledge: (scope: IConstruct, id: string, reason: string) => void, reviewed: Reviewed) => {
  const distribution = reviewed.siteDistribution;
  acknowledge(
    distribution,
    'AwsSolutions-CFR1',
    "No geo restriction: a library's owners use it wherever they travel; every route but health, ping and the OpenAPI document needs a key.",
  );
  acknowledge(
    distribution,
    'AwsSolutions-CFR2',
    'No WAF web ACL by default: the site is static files, and /api/* reaches the HTTP API, which authorizes every data route with a key and throttles at its stage (200 rps, burst 400); a web ACL is a per-deployment cost the operator may add.',
  );
  acknowledge(
    distribution,
    'AwsSolutions-CFR3',
    "No CloudFront standard logs: they need an ACL-enabled bucket, and every bucket here is bucket-owner-enforced with ACLs off; API requests are in the stage's access log and every file CloudFront fetches is in the site bucket's server access log.",
  );
  acknowledge(
    distribution,
    'AwsSolutions-CFR4',
    "The distribution has no custom domain, so viewers get CloudFront's default *.cloudfront.net certificate, whose TLS security policy CloudFront fixes; a minimum protocol version can only be set with a custom certificate.",
  );
  for (const finding of [
    'Action::s3:GetObject*',
    'Action::s3:GetBucket*',
    'Action::s3:List*',
    'Action::s3:DeleteObject*',
    'Action::s3:Abort*',
    `Resource::${assetBucketObjects(Stack.of(distribution))}`,
    `Resource::<${logicalId(Stack.of(distribution), reviewed.siteBucket)}.Arn>/*`,
  ]) {
    acknowledge(
      reviewed.siteDeploymentRole,
      `AwsSolutions-IAM5[${finding}]`,
      "CDK's BucketDeployment handler runs only during a deploy: it reads the app's files from the CDK asset bucket and syncs them into the site bucket (write, prune, abort), and may touch no other bucket; CDK writes these grants with wildcards.",
    );
  }
  acknowledge(
    reviewed.siteDeploymentRole,
    'AwsSolutions-IAM5[Resource::*]',
    "CDK's BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation on * to invalidate the site's distribution after a deploy; the role can do nothing else in CloudFront.",
  );
};
