import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { shimDes } from './des-shim.ts';
import type { FromS3Process, S3Event, S3ProcessOptions, ToS3Process } from './s3.ts';

// Runs in a child process of the local stack (see s3.ts): s3rver and the workaround it needs (a
// patched global crypto) stay here, away from the API's process, whose code also runs on AWS.

const { directory, buckets } = JSON.parse(process.argv[2] ?? '{}') as S3ProcessOptions;
const send = (message: FromS3Process) => process.send?.(message);

shimDes();
await mkdir(directory, { recursive: true });
const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  // A presigned POST's Host is not signed; s3rver would take an unknown Host for a bucket name.
  vhostBuckets: false,
  directory,
  configureBuckets: buckets.map((b) => ({ name: b.name, configs: b.configs ?? [] })),
});

// s3rver emits an object's event before it answers. In-process that made the event durable before
// the answer; across IPC it would not be, so each answer waits until the parent has taken every
// event emitted so far. IPC keeps order, so one acknowledged sequence number covers all before it.
let emitted = 0;
let acknowledged = 0;
let waiting: { upTo: number; resolve(): void; reject(error: Error): void }[] = [];
server.on('event', (event: S3Event) => {
  emitted += 1;
  send({ event, seq: emitted });
});
process.on('message', ({ ack, error }: ToS3Process) => {
  acknowledged = ack;
  const [done, pending] = [waiting.filter((w) => w.upTo <= ack), waiting.filter((w) => w.upTo > ack)];
  waiting = pending;
  for (const w of done) {
    if (error === undefined) w.resolve();
    else w.reject(new Error(`the event could not be delivered: ${error}`));
  }
});
const delivered = (upTo: number) =>
  upTo <= acknowledged
    ? Promise.resolve()
    : new Promise<void>((resolve, reject) => waiting.push({ upTo, resolve, reject }));
// First in s3rver's Koa chain, so it runs after every other middleware and before the answer.
server.middleware.unshift(async (_ctx, next) => {
  await next();
  await delivered(emitted);
});

// The stack's end (even a kill -9) closes the IPC channel: s3rver must not outlive it.
process.on('disconnect', () => process.exit(0));
const { port } = (await server.run()) as AddressInfo;
send({ port });
