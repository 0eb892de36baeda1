import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AttributeValue } from 'aws-lambda';
import { TABLE_KEY } from '#shared/table/schema.ts';
import type { LocalStream } from './stream.ts';

type Image = Record<string, AttributeValue>;

export interface StreamProxyOptions {
  /** dynalite's own endpoint. */
  target: string;
  tableName: string;
  stream: LocalStream;
  /** Which items the stream carries: what the event source mapping's filter would pass (feed-kinds.ts). */
  captures: (pk: string, sk: string) => boolean;
}

/** Reads of an item's image before giving up (dynalite is in process: a failure is rare and brief). */
const READ_ATTEMPTS = 5;
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/**
 * dynalite has no Streams, so the functions reach it through this proxy, which makes one: a write
 * to a captured item runs with that item's key locked, between a consistent read of the item
 * before and one after, and the change is appended to the stream (and on disk) before the client
 * hears the answer. Two writers of the same item are serialised here, so each record's old image
 * is the previous record's new one; writes to other items pass each other as they would.
 */
export const startStreamProxy = async (options: StreamProxyOptions) => {
  const target = new URL(options.target);
  const locks = new KeyLocks();
  // Over the wire rather than through the SDK, so images keep the stream's JSON form (binary as
  // base64). Retried: a write whose after-image went unread would be a change missing from the stream.
  const read = async (key: Image): Promise<Image | undefined> => {
    for (let attempt = 1; ; attempt++) {
      const answer = await send(target, 'GetItem', { TableName: options.tableName, Key: key, ConsistentRead: true });
      if (answer.status === 200) return (JSON.parse(answer.body.toString('utf8')) as { Item?: Image }).Item;
      if (attempt >= READ_ATTEMPTS) throw new Error(`GetItem answered ${answer.status}: ${answer.body}`);
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  };

  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const keys = WRITES.has(operation) ? capturedKeys(operation, body, options) : [];
      const forwardAndRecord = async () => {
        const before = await Promise.all(keys.map(read));
        const answer = await forward(target, req, body);
        if (answer.status === 200 && keys.length > 0) {
          const after = await Promise.all(keys.map(read));
          keys.forEach((key, i) => {
            const oldImage = before[i];
            const newImage = after[i];
            options.stream.append({ keys: key, ...(oldImage && { oldImage }), ...(newImage && { newImage }) });
          });
          await options.stream.flushed();
        }
        return answer;
      };
      const answer = keys.length > 0 ? await locks.run(keys.map(keyText), forwardAndRecord) : await forwardAndRecord();
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    } catch {
      // As a dropped connection: the SDK retries, and the write (if it ran) is a conditional put
      // or an idempotent update in every caller.
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

type Request = Record<string, unknown>;
const keyOf = (item: Image): Image => ({
  [TABLE_KEY.partitionKey]: item[TABLE_KEY.partitionKey] as AttributeValue,
  [TABLE_KEY.sortKey]: item[TABLE_KEY.sortKey] as AttributeValue,
});
const keyText = (key: Image) => `${key.pk?.S}\u0000${key.sk?.S}`;

/** The keys of the table's captured items that a write request touches. */
export const capturedKeys = (
  operation: string,
  body: Buffer,
  options: Pick<StreamProxyOptions, 'tableName' | 'captures'>,
): Image[] => {
  const input = JSON.parse(body.toString('utf8') || '{}') as Request;
  const writes: { table: unknown; key: Image | undefined }[] = [];
  if (operation === 'PutItem') writes.push({ table: input.TableName, key: keyOf(input.Item as Image) });
  if (operation === 'UpdateItem' || operation === 'DeleteItem')
    writes.push({ table: input.TableName, key: input.Key as Image });
  if (operation === 'BatchWriteItem') {
    for (const [table, requests] of Object.entries((input.RequestItems ?? {}) as Record<string, Request[]>)) {
      for (const r of requests) {
        const put = r.PutRequest as { Item: Image } | undefined;
        const del = r.DeleteRequest as { Key: Image } | undefined;
        writes.push({ table, key: put ? keyOf(put.Item) : del?.Key });
      }
    }
  }
  if (operation === 'TransactWriteItems') {
    for (const t of (input.TransactItems ?? []) as Request[]) {
      const put = t.Put as { TableName: string; Item: Image } | undefined;
      const other = (t.Update ?? t.Delete) as { TableName: string; Key: Image } | undefined;
      if (put) writes.push({ table: put.TableName, key: keyOf(put.Item) });
      if (other) writes.push({ table: other.TableName, key: other.Key });
    }
  }
  const seen = new Set<string>();
  return writes.flatMap(({ table, key }) => {
    const pk = key?.pk?.S;
    const sk = key?.sk?.S;
    if (table !== options.tableName || !key || !pk || !sk || !options.captures(pk, sk)) return [];
    if (seen.has(keyText(key))) return [];
    seen.add(keyText(key));
    return [key];
  });
};

/** Per-key mutual exclusion: a run waits for every earlier run that holds any of its keys. */
export class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    const earlier = keys.map((k) => this.tails.get(k) ?? Promise.resolve());
    let release = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Taken synchronously for all keys at once, so two runs cannot each hold a key the other waits for.
    for (const k of keys) this.tails.set(k, done);
    try {
      await Promise.all(earlier);
      return await fn();
    } finally {
      release();
      for (const k of keys) if (this.tails.get(k) === done) this.tails.delete(k);
    }
  }
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** dynalite wants a signature's shape, not a valid one. */
const LOCAL_AUTHORIZATION =
  'AWS4-HMAC-SHA256 Credential=S3RVER/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0';

const send = (target: URL, operation: string, input: unknown) =>
  exchange(
    target,
    {
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${operation}`,
        authorization: LOCAL_AUTHORIZATION,
        'x-amz-date': '20200101T000000Z',
      },
    },
    Buffer.from(JSON.stringify(input)),
  );

const forward = (target: URL, req: IncomingMessage, body: Buffer) =>
  exchange(target, { method: req.method ?? 'POST', path: req.url ?? '/', headers: req.headers }, body);

const exchange = (
  target: URL,
  head: { method: string; path: string; headers: IncomingMessage['headers'] },
  body: Buffer,
) =>
  new Promise<Answer>((resolve, reject) => {
    const out = request({ host: target.hostname, port: target.port, ...head }, async (res) => {
      try {
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = value;
        resolve({ status: res.statusCode ?? 500, headers, body: await readBody(res) });
      } catch (error) {
        reject(error);
      }
    });
    out.on('error', reject);
    out.end(body);
  });
