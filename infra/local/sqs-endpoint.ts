import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LocalQueue, md5 } from './queue.ts';

// Enough of the SQS API (AWS JSON 1.0, as the v3 SDK speaks it) for operator tools to work on the
// local queues exactly as on AWS: send, count, retry later, and redrive the dead-letter queue.

type Body = Record<string, unknown>;

/** A queue and the dead-letter queue its failures go to. */
export interface QueuePair {
  queue: LocalQueue;
  deadLetterQueue: LocalQueue;
}

export const startSqsEndpoint = async (pairs: QueuePair[]) => {
  const all = pairs.flatMap((p) => [p.queue, p.deadLetterQueue]);
  let base = '';
  const urlOf = (q: LocalQueue) => `${base}/000000000000/${q.name}`;
  const byUrl = (url: unknown) =>
    all.find((q) => urlOf(q) === url || (typeof url === 'string' && url.endsWith(`/${q.name}`)));
  const byArn = (arn: unknown) => all.find((q) => q.arn === arn);

  const operations: Record<string, (body: Body) => Body> = {
    GetQueueUrl: (body) => {
      const queue = all.find((q) => q.name === body.QueueName);
      if (!queue)
        throw Object.assign(new Error('The specified queue does not exist.'), {
          code: 'AWS.SimpleQueueService.NonExistentQueue',
        });
      return { QueueUrl: urlOf(queue) };
    },
    SendMessage: (body) => {
      const queue = need(byUrl(body.QueueUrl));
      const text = String(body.MessageBody);
      return { MessageId: queue.send(text), MD5OfMessageBody: md5(text) };
    },
    SendMessageBatch: (body) => {
      const queue = need(byUrl(body.QueueUrl));
      const entries = (body.Entries as { Id: string; MessageBody: string }[]) ?? [];
      return {
        Successful: entries.map((e) => ({
          Id: e.Id,
          MessageId: queue.send(e.MessageBody),
          MD5OfMessageBody: md5(e.MessageBody),
        })),
        Failed: [],
      };
    },
    ChangeMessageVisibility: (body) => {
      need(byUrl(body.QueueUrl)).changeVisibility(String(body.ReceiptHandle), Number(body.VisibilityTimeout) * 1000);
      return {};
    },
    GetQueueAttributes: (body) => {
      const queue = need(byUrl(body.QueueUrl));
      const { visible, inFlight } = queue.counts();
      return {
        Attributes: {
          QueueArn: queue.arn,
          ApproximateNumberOfMessages: String(visible),
          ApproximateNumberOfMessagesNotVisible: String(inFlight),
        },
      };
    },
    // Moves every message of a dead-letter queue back to the queue it came from.
    StartMessageMoveTask: (body) => {
      const pair = pairs.find((p) => p.deadLetterQueue === byArn(body.SourceArn));
      if (!pair) throw new Error('SourceArn must be a dead-letter queue');
      const moved = pair.deadLetterQueue.redriveTo(pair.queue);
      return { TaskHandle: `local-${Date.now()}-${moved}` };
    },
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const operation = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
    const reply = (status: number, body: Body) =>
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    try {
      const handler = operations[operation];
      if (!handler)
        return reply(400, {
          __type: 'com.amazonaws.sqs#UnsupportedOperation',
          message: `${operation} is not emulated`,
        });
      reply(200, handler(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Body));
    } catch (error) {
      reply(400, {
        __type: `com.amazonaws.sqs#${(error as { code?: string }).code ?? 'InvalidParameterValue'}`,
        message: (error as Error).message,
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    urlOf,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

const need = (queue: LocalQueue | undefined): LocalQueue => {
  if (!queue)
    throw Object.assign(new Error('The specified queue does not exist.'), {
      code: 'AWS.SimpleQueueService.NonExistentQueue',
    });
  return queue;
};
