import '#infra/local/node20.ts';
import { parseArgs } from 'node:util';
import { GetQueueAttributesCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { operatorTarget } from './operator-target.ts';

// `npm run redrive [-- --stack NAME]`: moves the dead-letter queue's messages back to the processing
// queue (SQS's own message move task), after the cause of their failure is fixed.
const { values } = parseArgs({ options: { stack: { type: 'string' } } });
const target = await operatorTarget(values.stack);
const count = async () => {
  const { Attributes } = await target.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: target.deadLetterQueueUrl,
      AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return { arn: Attributes?.QueueArn ?? '', waiting: Number(Attributes?.ApproximateNumberOfMessages ?? 0) };
};
const before = await count();
if (before.waiting === 0) {
  console.log(`${target.description}: the dead-letter queue is empty`);
  process.exit(0);
}
await target.sqs.send(new StartMessageMoveTaskCommand({ SourceArn: before.arn }));
for (let i = 0; i < 60 && (await count()).waiting > 0; i++) await new Promise((r) => setTimeout(r, 1000));
const after = await count();
console.log(
  `${target.description}: moved ${before.waiting - after.waiting} of ${before.waiting} messages back to the processing queue`,
);
