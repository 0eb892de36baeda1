import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';

// A reverse proxy in front of the local S3 and DynamoDB that fails a set share of the functions'
// requests the ways AWS does (RELIABILITY.md F1): throttling, 5xx, reset connections, slow bodies.
// Only SigV4-signed requests (an Authorization header: the SDK's calls) are candidates; presigned
// traffic (a phone's POST form, a signed GET URL) passes untouched, since its retries are the
// client's business. Which requests fail is drawn from a seeded PRNG; the kinds take turns, so a
// run with N injections has every kind once N reaches the number of kinds.

export const S3_FAULTS = [
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'ResetBeforeResponse',
  'ResetMidResponse',
  'SlowBody',
] as const;
export const DYNAMO_FAULTS = [
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'InternalServerError',
  'ServiceUnavailable',
  'ResetBeforeResponse',
  'ResetMidResponse',
  'SlowBody',
] as const;
type S3Fault = (typeof S3_FAULTS)[number];
type DynamoFault = (typeof DYNAMO_FAULTS)[number];

export interface FaultProxy {
  s3Url: string;
  dynamoUrl: string;
  /** Faults injected so far, by kind. */
  counts: { s3: Record<S3Fault, number>; dynamo: Record<DynamoFault, number> };
  /** Signed requests seen (faulted or not). */
  requests: { s3: number; dynamo: number };
  /** The share of signed requests to fail, 0 to 1; 0 stops injecting (the test's own checks). */
  setRate(rate: number): void;
  /** The next `requests` signed requests to that service fail (SlowDown / ThrottlingException): an outage. */
  setOutage(service: 's3' | 'dynamo', requests: number): void;
  /** Requests failed by an outage, apart from `counts`. */
  outages: { s3: number; dynamo: number };
  close(): Promise<void>;
}

/** mulberry32: small, fast and the same sequence for the same seed. */
const prng = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const s3Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>FAULT</RequestId></Error>`;
const dynamoError = (type: string, message: string) =>
  JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });

const CANNED: Record<string, { status: number; type: string; body: string }> = {
  SlowDown: { status: 503, type: 'application/xml', body: s3Error('SlowDown', 'Please reduce your request rate.') },
  InternalError: {
    status: 500,
    type: 'application/xml',
    body: s3Error('InternalError', 'We encountered an internal error. Please try again.'),
  },
  's3:ServiceUnavailable': {
    status: 503,
    type: 'application/xml',
    body: s3Error('ServiceUnavailable', 'Service is unable to handle request.'),
  },
  ThrottlingException: {
    status: 400,
    type: 'application/x-amz-json-1.0',
    body: dynamoError('ThrottlingException', 'Rate of requests exceeds the allowed throughput.'),
  },
  ProvisionedThroughputExceededException: {
    status: 400,
    type: 'application/x-amz-json-1.0',
    body: dynamoError(
      'ProvisionedThroughputExceededException',
      'The level of configured provisioned throughput for the table was exceeded.',
    ),
  },
  InternalServerError: {
    status: 500,
    type: 'application/x-amz-json-1.0',
    body: dynamoError('InternalServerError', 'Internal server error'),
  },
  'dynamo:ServiceUnavailable': { status: 503, type: 'text/plain', body: 'Service Unavailable' },
};

/** Sends the request on; resolves with the upstream's answer as it starts to arrive. */
const forward = (req: IncomingMessage, target: URL): Promise<IncomingMessage> =>
  new Promise((resolve, reject) => {
    // `expect: 100-continue` is answered by this server already; passing it on would wait twice.
    const { expect: _expect, ...headers } = req.headers;
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      resolve,
    );
    upstream.on('error', reject);
    req.pipe(upstream);
  });

const collect = (res: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });

const drain = (req: IncomingMessage) =>
  new Promise<void>((resolve) => {
    req.on('end', resolve);
    req.on('error', () => resolve());
    req.resume();
  });

const reset = (res: ServerResponse) => res.socket?.destroy();

const serve = async <K extends string>(
  target: URL,
  decide: (req: IncomingMessage) => K | undefined,
  kinds: { canned: (kind: K) => (typeof CANNED)[string] | undefined },
) => {
  const server: Server = createServer(async (req, res) => {
    try {
      const fault = decide(req);
      if (fault === 'ResetBeforeResponse') return reset(res);
      const canned = fault && kinds.canned(fault);
      if (canned) {
        await drain(req);
        res.writeHead(canned.status, { 'content-type': canned.type, 'content-length': Buffer.byteLength(canned.body) });
        return res.end(req.method === 'HEAD' ? undefined : canned.body);
      }
      const answer = await forward(req, target);
      if (!fault) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      const body = await collect(answer);
      if (fault === 'ResetMidResponse') {
        // The request has been applied upstream; only its answer is lost (half of it, when there is a body).
        if (body.length < 2) return reset(res);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        res.write(body.subarray(0, body.length >> 1), () => reset(res));
        return;
      }
      // SlowBody: headers now, the body in eight pieces over about 400 ms, well inside the clients' socket timeouts.
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      const piece = Math.max(1, Math.ceil(body.length / 8));
      for (let at = 0; at < body.length; at += piece) {
        await sleep(50);
        res.write(body.subarray(at, at + piece));
      }
      res.end();
    } catch {
      reset(res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}` };
};

export const startFaultProxy = async (options: {
  s3: string;
  dynamo: string;
  rate: number;
  seed: number;
}): Promise<FaultProxy> => {
  const random = prng(options.seed);
  let rate = options.rate;
  const counts = {
    s3: Object.fromEntries(S3_FAULTS.map((k) => [k, 0])) as Record<S3Fault, number>,
    dynamo: Object.fromEntries(DYNAMO_FAULTS.map((k) => [k, 0])) as Record<DynamoFault, number>,
  };
  const requests = { s3: 0, dynamo: 0 };
  const outages = { s3: 0, dynamo: 0 };
  const down = { s3: 0, dynamo: 0 };

  const decider =
    <K extends string>(service: 's3' | 'dynamo', kinds: readonly K[], tally: Record<K, number>) =>
    (req: IncomingMessage): K | undefined => {
      if (!req.headers.authorization) return undefined;
      requests[service]++;
      if (down[service] > 0) {
        down[service]--;
        outages[service]++;
        return kinds[0];
      }
      if (rate <= 0 || random() >= rate) return undefined;
      const injected = Object.values<number>(tally).reduce((a, b) => a + b, 0);
      const kind = kinds[injected % kinds.length] as K;
      tally[kind]++;
      return kind;
    };

  const s3 = await serve(new URL(options.s3), decider('s3', S3_FAULTS, counts.s3), {
    canned: (kind) => CANNED[kind === 'ServiceUnavailable' ? 's3:ServiceUnavailable' : kind],
  });
  const dynamo = await serve(new URL(options.dynamo), decider('dynamo', DYNAMO_FAULTS, counts.dynamo), {
    canned: (kind) => CANNED[kind === 'ServiceUnavailable' ? 'dynamo:ServiceUnavailable' : kind],
  });

  return {
    s3Url: s3.url,
    dynamoUrl: dynamo.url,
    counts,
    requests,
    outages,
    setRate: (next) => {
      rate = next;
    },
    setOutage: (service, count) => {
      down[service] = count;
    },
    close: async () => {
      for (const { server } of [s3, dynamo]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
};
