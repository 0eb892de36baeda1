import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type SqsHandler, startConsumer } from '#infra/local/consumer.ts';
import { LocalQueue } from '#infra/local/queue.ts';
import { eventually } from '#test/helpers/local-stack.ts';

const queuePair = (visibilityTimeoutMs = 1000, maxReceiveCount = 2) => {
  const dlq = new LocalQueue('dlq', { visibilityTimeoutMs });
  const queue = new LocalQueue('q', { visibilityTimeoutMs, maxReceiveCount, deadLetter: dlq });
  return { queue, dlq };
};

describe('the local queue', () => {
  it('hides a received message for the visibility timeout, then shows it again', () => {
    const { queue } = queuePair(1000);
    queue.send('a', 0);
    expect(queue.receive(10, 0)).toHaveLength(1);
    expect(queue.receive(10, 999)).toHaveLength(0);
    const again = queue.receive(10, 1000);
    expect(again.map((m) => m.receiveCount)).toEqual([2]);
  });

  it('is receivable at once when a message came visible after a receive that found none', async () => {
    const { queue } = queuePair(1000);
    queue.send('a', 0);
    queue.receive(10, 0);
    // The receive at 999 found nothing; by the wait, a millisecond later, the message is visible.
    expect(queue.receive(10, 999)).toHaveLength(0);
    const waited = await Promise.race([
      queue.whenReceivable(1000).then(() => 'receivable'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 200)),
    ]);
    expect(waited).toBe('receivable');
  });

  it('moves a message to the dead-letter queue on the receive after the maximum', () => {
    const { queue, dlq } = queuePair(10, 2);
    queue.send('poison', 0);
    expect(queue.receive(1, 0)).toHaveLength(1);
    expect(queue.receive(1, 10)).toHaveLength(1);
    expect(queue.receive(1, 20)).toHaveLength(0);
    expect(dlq.peek().map((m) => m.body)).toEqual(['poison']);
  });

  it('deletes only with the latest receipt handle', () => {
    const { queue } = queuePair(10);
    queue.send('a', 0);
    const [first] = queue.receive(1, 0);
    const [second] = queue.receive(1, 10);
    queue.delete(first?.receiptHandle ?? '');
    expect(queue.peek()).toHaveLength(1);
    queue.delete(second?.receiptHandle ?? '');
    expect(queue.peek()).toHaveLength(0);
  });

  it('keeps its messages across a restart, in flight ones visible again at once', async () => {
    const persistPath = join(await mkdtemp(join(tmpdir(), 'queue-')), 'q.json');
    const before = new LocalQueue('q', { visibilityTimeoutMs: 720_000, persistPath });
    before.send('in flight');
    before.send('waiting');
    expect(before.receive(1).map((m) => m.body)).toEqual(['in flight']);
    await before.flushed();
    // The process that received it died with the old stack: nothing can still be working on it.
    const after = new LocalQueue('q', { visibilityTimeoutMs: 720_000, persistPath });
    expect(after.peek().map((m) => [m.body, m.receiveCount])).toEqual([
      ['in flight', 1],
      ['waiting', 0],
    ]);
    expect(after.receive(10).map((m) => [m.body, m.receiveCount])).toEqual([
      ['in flight', 2],
      ['waiting', 1],
    ]);
  });

  it('has every message sent before flushed() on disk when it resolves, even while a snapshot is being written', async () => {
    const persistPath = join(await mkdtemp(join(tmpdir(), 'queue-')), 'q.json');
    const queue = new LocalQueue('q', { visibilityTimeoutMs: 1000, persistPath });
    const bodies = Array.from({ length: 20 }, (_, i) => `upload ${i}`);
    for (const body of bodies) {
      queue.send(body);
      await queue.flushed();
      // What a process killed right now would restart from.
      const onDisk = JSON.parse(readFileSync(persistPath, 'utf8')) as { body: string }[];
      expect(onDisk.map((m) => m.body)).toContain(body);
    }
  });

  it('removes the temporary snapshots a killed process left behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'queue-'));
    const persistPath = join(dir, 'q.json');
    writeFileSync(join(dir, 'q.json.12345.tmp'), '[{"half":');
    writeFileSync(join(dir, 'other.json.1.tmp'), 'not ours');
    const queue = new LocalQueue('q', { visibilityTimeoutMs: 1000, persistPath });
    expect(readdirSync(dir).sort()).toEqual(['other.json.1.tmp']);
    queue.send('x');
    await queue.flushed();
    expect(readdirSync(dir).sort()).toEqual(['other.json.1.tmp', 'q.json']);
  });

  it('redrives dead letters back with fresh receive counts', () => {
    const { queue, dlq } = queuePair(10, 1);
    queue.send('x', 0);
    queue.receive(1, 0);
    queue.receive(1, 10);
    expect(dlq.redriveTo(queue, 20)).toBe(1);
    expect(queue.receive(1, 20).map((m) => m.receiveCount)).toEqual([1]);
  });
});

describe('the local event source mapping', () => {
  const run = async (handler: SqsHandler, bodies: string[], timeoutMs = 1000, handlerKeepsTimeout = false) => {
    const { queue, dlq } = queuePair(50, 3);
    for (const body of bodies) queue.send(body);
    const consumer = startConsumer({
      queue,
      handler,
      functionName: 't',
      batchSize: 10,
      concurrency: 1,
      timeoutMs,
      handlerKeepsTimeout,
    });
    return { queue, dlq, consumer };
  };

  it('deletes the successes of a batch and redelivers only the reported failures', async () => {
    const seen: string[] = [];
    const handler = async (event: SQSEvent) => {
      seen.push(...event.Records.map((r) => r.body));
      const failures = event.Records.filter((r) => r.body === '3' && r.attributes.ApproximateReceiveCount === '1');
      return { batchItemFailures: failures.map((r) => ({ itemIdentifier: r.messageId })) };
    };
    const { queue, consumer } = await run(handler, ['1', '2', '3', '4', '5']);
    await eventually(() => (queue.peek().length === 0 ? true : undefined));
    await consumer.stop();
    expect(seen).toEqual(['1', '2', '3', '4', '5', '3']);
  });

  it('survives a handler that throws and retries the whole batch', async () => {
    let calls = 0;
    const handler = async () => {
      calls++;
      if (calls < 3) throw new Error('boom');
      return { batchItemFailures: [] };
    };
    const { queue, consumer } = await run(handler, ['a', 'b']);
    await eventually(() => (queue.peek().length === 0 ? true : undefined));
    await consumer.stop();
    expect(calls).toBe(3);
  });

  it('fails the whole batch when the handler names an unknown or empty itemIdentifier', async () => {
    let calls = 0;
    const handler = async () => {
      calls++;
      return { batchItemFailures: calls === 1 ? [{ itemIdentifier: '' }] : [] };
    };
    const { queue, consumer } = await run(handler, ['a']);
    await eventually(() => (queue.peek().length === 0 ? true : undefined));
    await consumer.stop();
    expect(calls).toBe(2);
  });

  it('treats a handler that outlives its timeout as failed', async () => {
    let calls = 0;
    const handler = async () => {
      calls++;
      if (calls === 1) await new Promise((r) => setTimeout(r, 200));
      return { batchItemFailures: [] };
    };
    const { queue, consumer } = await run(handler, ['slow'], 50);
    await eventually(() => (queue.peek().length === 0 ? true : undefined));
    await consumer.stop();
    expect(calls).toBe(2);
  });

  it('leaves the timeout to a handler that keeps it: a slow cold start before its invocation is no failure', async () => {
    let calls = 0;
    const handler = async () => {
      calls++;
      // An isolated environment starting: longer than the timeout, which covers only the invocation.
      await new Promise((r) => setTimeout(r, 200));
      return { batchItemFailures: [] };
    };
    const { queue, consumer } = await run(handler, ['cold'], 50, true);
    await eventually(() => (queue.peek().length === 0 ? true : undefined));
    await consumer.stop();
    expect(calls).toBe(1);
  });
});
