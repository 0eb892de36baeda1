import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { multipartShim } from './multipart-shim.ts';
import { type PostRejection, verifyPostPolicy } from './post-policy.ts';
import { isSigned, verifySigV4 } from './sigv4.ts';

export interface PostGate {
  url: string;
  close(): Promise<void>;
}

interface Target {
  port: number;
  /** s3rver's data folder, for the multipart calls it lacks. */
  directory: string;
  secretFor: (accessKeyId: string) => string | undefined;
  /** Told about each request before it reaches s3rver (used to name the event's reason). */
  onForward?: (req: IncomingMessage) => void;
  /**
   * Awaited before a success answer (2xx, or a POST's 303 redirect) to a PUT or POST goes back:
   * a client that saw it may act on it (or the process may die), so whatever the write set off
   * must be durable first.
   */
  beforeAnswer?: (req: IncomingMessage, status: number) => Promise<void>;
}

// POST to a bucket's root, no sub-resource: a browser-based upload.
const POST_OBJECT = /^\/([^/?]+)\/?$/;

/**
 * A reverse proxy in front of s3rver that refuses what S3 would refuse: presigned POSTs outside
 * their policy, and any other request without a valid SigV4 signature (CORS preflights aside).
 */
export const startPostGate = async (target: Target): Promise<PostGate> => {
  const shim = multipartShim(target.directory);
  const signed = async (req: IncomingMessage, res: ServerResponse) => {
    if (!isSigned(req.url ?? '', req.headers)) {
      return sendError(res, { status: 403, code: 'AccessDenied', message: 'Access Denied' });
    }
    const rejection = verifySigV4(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers },
      target.secretFor,
    );
    if (rejection) return sendError(res, rejection);
    const answer = await shim(req);
    if (!answer) return forward(req, res, target);
    req.resume();
    if ('code' in answer) return sendError(res, answer);
    res.writeHead(answer.status, answer.xml ? { 'content-type': 'application/xml' } : {});
    res.end(answer.xml);
  };
  const server = createServer((req, res) => {
    const bucket = POST_OBJECT.exec(req.url ?? '')?.[1];
    const isPostObject =
      req.method === 'POST' && bucket !== undefined && /multipart\/form-data/i.test(req.headers['content-type'] ?? '');
    const work = isPostObject
      ? gate(req, res, decodeURIComponent(bucket), target)
      : req.method === 'OPTIONS'
        ? forward(req, res, target)
        : signed(req, res);
    work.catch((error: Error) => {
      if (!res.headersSent) sendError(res, { status: 500, code: 'InternalError', message: error.message });
      else res.destroy(error);
    });
  });
  // Large uploads take longer than Node's default request timeout.
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

const forward = (req: IncomingMessage, res: ServerResponse, target: Target, body?: string): Promise<void> =>
  new Promise((resolve, reject) => {
    target.onForward?.(req);
    const upstream = request(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const status = answer.statusCode ?? 502;
        const writes = req.method === 'PUT' || req.method === 'POST';
        // 3xx included: a POST with success_action_redirect answers 303 once the object is stored.
        const ready = writes && status < 400 && target.beforeAnswer ? target.beforeAnswer(req, status) : undefined;
        Promise.resolve(ready).then(
          () => {
            res.writeHead(status, answer.headers);
            answer.pipe(res);
            answer.on('end', resolve);
            answer.on('error', reject);
          },
          (error: Error) => {
            answer.resume();
            reject(error);
          },
        );
      },
    );
    upstream.on('error', reject);
    if (body) createReadStream(body).pipe(upstream);
    else req.pipe(upstream);
  });

const gate = async (req: IncomingMessage, res: ServerResponse, bucket: string, target: Target) => {
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-post-'));
  const body = join(dir, 'body');
  try {
    const form = await spool(req, body).catch(() => undefined);
    if (!form) {
      return sendError(res, {
        status: 400,
        code: 'MalformedPOSTRequest',
        message: 'The body of your POST request is not well-formed multipart/form-data.',
      });
    }
    const rejection =
      form.files !== 1
        ? { status: 400, code: 'InvalidArgument', message: 'POST requires exactly one file upload per request.' }
        : verifyPostPolicy({
            bucket,
            fields: form.fields,
            fileSize: form.fileSize,
            now: new Date(),
            secretFor: target.secretFor,
          });
    if (rejection) return sendError(res, rejection);
    req.headers['content-length'] = String((await stat(body)).size);
    await forward(req, res, target, body);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

/** Writes the raw body to disk and, in the same pass, reads the fields and the file's size. */
const spool = async (req: IncomingMessage, path: string) => {
  const fields: [string, string][] = [];
  let files = 0;
  let fileSize = 0;
  const parser = busboy({ headers: req.headers, limits: { fieldSize: 64 * 1024 } });
  parser.on('field', (name, value) => {
    if (files === 0) fields.push([name, value]);
  });
  parser.on('file', (_name, stream) => {
    files++;
    stream.on('data', (chunk: Buffer) => {
      if (files === 1) fileSize += chunk.length;
    });
  });
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on('close', resolve);
    parser.on('error', reject);
  });
  req.pipe(parser);
  await Promise.all([pipeline(req, createWriteStream(path)), parsed]);
  return { fields, files, fileSize };
};

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

const sendError = (res: ServerResponse, { status, code, message }: PostRejection) => {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${Date.now().toString(16)}</RequestId></Error>`,
  );
};
