import '#infra/local/node20.ts';
import { parseArgs } from 'node:util';
import { GetQueueAttributesCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { operatorTarget } from './operator-target.ts';

// `npm run redrive [-- --faces] [--stack NAME]`: moves a dead-letter queue's messages back to its
// queue (SQS's own message move task), after the cause of their failure is fixed: the processing
// queue's, or with --faces the face stage's.
const { values } = parseArgs({ options: { stack: { type: 'string' }, faces: { type: 'boolean', default: false } } });
const target = await operatorTarget(values.stack);
const deadLetters = values.faces ? target.faceDeadLetterQueueUrl : target.deadLetterQueueUrl;
const home = values.faces ? 'the face queue' : 'the processing queue';
const count = async () => {
  const { Attributes } = await target.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: deadLetters,
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
  `${target.description}: moved ${before.waiting - after.waiting} of ${before.waiting} messages back to ${home}`,
);
