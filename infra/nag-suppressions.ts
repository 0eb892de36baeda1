import { type CfnElement, type Stack, Validations } from 'aws-cdk-lib';
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
  for (const [name, route] of Object.entries(reviewed.openRoutes) as [RouteName, IConstruct][]) {
    const why = OPEN_ROUTES[name as keyof typeof OPEN_ROUTES];
    if (!why) throw new Error(`${name} has no key and no reviewed reason to be open`);
    acknowledge(route, 'AwsSolutions-APIG4', why);
  }
};
