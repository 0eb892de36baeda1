import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { createClients, DEFAULT_TIMEOUTS, MAX_ATTEMPTS } from '#shared/aws/clients.ts';
import { isTransient } from '#shared/aws/transient.ts';
import { loadConfig } from '#shared/config.ts';
import { S3Storage } from '#shared/storage/s3-storage.ts';

// The real SDK clients, as composed for the functions, against a small server that misbehaves on
// purpose: what they retry, what they give up on, and how long a silent socket may hang.

type Handler = (req: IncomingMessage, body: Buffer, res: ServerResponse, attempt: number) => void;

const servers: { close(): void; closeAllConnections(): void }[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

const serve = async (handler: Handler) => {
  let attempt = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handler(req, Buffer.concat(chunks), res, ++attempt));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
};

const clientsFor = (url: string, timeouts = DEFAULT_TIMEOUTS) =>
  createClients(
    loadConfig({
      TABLE_NAME: 't',
      ORIGINALS_BUCKET: 'originals',
      DERIVED_BUCKET: 'derived',
      DARKROOM_S3_ENDPOINT: url,
      DARKROOM_DYNAMODB_ENDPOINT: url,
    }),
    timeouts,
  );

const slowDown = (res: ServerResponse) => {
  res.writeHead(503, { 'content-type': 'application/xml' });
  res.end('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
};

describe('a direct upload’s put of the original', () => {
  it('is retried after SlowDown and a reset connection, with the whole body each time', async () => {
    const bytes = Buffer.from('an original of some bytes '.repeat(4000));
    const path = join(tmpdir(), `darkroom-put-${process.pid}`);
    await writeFile(path, bytes);
    const received: Buffer[] = [];
    const url = await serve((_req, body, res, attempt) => {
      received.push(body);
      if (attempt === 1) return slowDown(res);
      if (attempt === 2) return res.socket?.destroy();
      res.writeHead(200, { etag: '"abc123"' });
      res.end();
    });
    const storage = new S3Storage(clientsFor(url).s3, { originals: 'originals', derived: 'derived' }, 1024);

    const put = await storage.putOriginal(
      'originals/u/a',
      { kind: 'disk', path, size: bytes.length, head: bytes.subarray(0, 16), sha256: '', sha1: '' },
      'image/jpeg',
    );

    expect(put.etag).toBe('abc123');
    expect(received).toHaveLength(3);
    for (const body of received) expect(body.equals(bytes)).toBe(true);
  });
});

describe('the clients give up after a bounded number of attempts', () => {
  it(`DynamoDB stops after ${MAX_ATTEMPTS} attempts and the error is transient`, async () => {
    let attempts = 0;
    const url = await serve((_req, _body, res) => {
      attempts++;
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'boom' }));
    });
    const error = await clientsFor(url)
      .dynamoClient.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } }))
      .catch((e: unknown) => e);
    expect(attempts).toBe(MAX_ATTEMPTS);
    expect(isTransient(error)).toBe(true);
  });

  it('a throttled DynamoDB call that recovers succeeds without the caller noticing', async () => {
    const url = await serve((_req, _body, res, attempt) => {
      res.writeHead(attempt < 3 ? 400 : 200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        attempt < 3
          ? JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'slow down' })
          : JSON.stringify({ Item: { pk: { S: 'x' } } }),
      );
    });
    const { Item } = await clientsFor(url).dynamoClient.send(
      new GetItemCommand({ TableName: 't', Key: { pk: { S: 'x' } } }),
    );
    expect(Item).toEqual({ pk: { S: 'x' } });
  });
});

describe('a stalled S3 body (RELIABILITY C9)', () => {
  it('fails the download with a transient timeout instead of hanging', async () => {
    const url = await serve((_req, _body, res) => {
      res.writeHead(200, { 'content-length': '100000', etag: '"e"' });
      res.write(Buffer.alloc(1000));
      // ...and nothing more: the connection stays open and silent.
    });
    const timeouts = { ...DEFAULT_TIMEOUTS, s3SocketMs: 300 };
    const storage = new S3Storage(clientsFor(url, timeouts).s3, { originals: 'originals', derived: 'derived' }, 1e9);
    const started = Date.now();
    const error = await storage.download('originals/u/a').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(Error);
    expect(isTransient(error)).toBe(true);
  });
});
