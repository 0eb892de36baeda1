import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { KEEP_ALIVE_MS } from './http-adapter.ts';
import { multipartShim } from './multipart-shim.ts';
import { canonicalForm, readPostForm } from './post-form.ts';
import { verifyPostPolicy } from './post-policy.ts';
import { checkRequestPath, keyRejection } from './request-path.ts';
import { errorXml, type S3Error } from './s3-error.ts';
import { isSigned, verifySigV4 } from './sigv4.ts';

export interface S3Gate {
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

/**
 * A reverse proxy in front of s3rver that refuses what S3 would refuse: presigned POSTs outside
 * their policy, and any other request without a valid SigV4 signature (CORS preflights aside);
 * and, for every request, a bucket or key that s3rver would map outside the bucket's folder.
 */
export const startS3Gate = async (target: Target): Promise<S3Gate> => {
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
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = checkRequestPath(req.url ?? '/', req.headers);
    if ('code' in path) return sendError(res, path);
    // POST to a bucket's root, no sub-resource: a browser-based upload.
    if (
      req.method === 'POST' &&
      path.bucket !== undefined &&
      path.key === undefined &&
      !req.url?.includes('?') &&
      /multipart\/form-data/i.test(req.headers['content-type'] ?? '')
    ) {
      return gate(req, res, path.bucket, target);
    }
    return req.method === 'OPTIONS' ? forward(req, res, target) : signed(req, res);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // Once the answer has begun, an error can only cut it short.
      if (res.headersSent) res.destroy();
      else sendError(res, internalError);
    });
  });
  // Large uploads take longer than Node's default request timeout.
  server.requestTimeout = 0;
  // As the API's adapter: clients, not the server, close idle keep-alive sockets.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

/** A body the gate built itself, sent in place of the client's. */
interface Body {
  headers: IncomingHttpHeaders;
  content: Readable;
}

const forward = (req: IncomingMessage, res: ServerResponse, target: Target, body?: Body): Promise<void> =>
  new Promise((resolve, reject) => {
    target.onForward?.(req);
    const upstream = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: req.method,
        path: req.url,
        headers: body?.headers ?? req.headers,
      },
      (answer) => {
        const status = answer.statusCode ?? 502;
        const writes = req.method === 'PUT' || req.method === 'POST';
        // 3xx included: a POST with success_action_redirect answers 303 once the object is stored.
        const ready = writes && status < 400 && target.beforeAnswer ? target.beforeAnswer(req, status) : undefined;
        Promise.resolve(ready)
          .then(() => {
            res.writeHead(status, answer.headers);
            return pipeline(answer, res);
          })
          .then(resolve, (error: Error) => {
            answer.resume();
            reject(error);
          });
      },
    );
    pipeline(body?.content ?? req, upstream).catch(reject);
  });

const gate = async (req: IncomingMessage, res: ServerResponse, bucket: string, target: Target) => {
  const dir = await mkdtemp(join(tmpdir(), 'darkroom-post-'));
  try {
    const form = await readPostForm(req, join(dir, 'file'));
    if ('code' in form) return sendError(res, form);
    const key = form.fields.get('key');
    const rejection =
      verifyPostPolicy({
        bucket,
        fields: form.fields,
        fileSize: form.file.size,
        now: new Date(),
        secretFor: target.secretFor,
      }) ?? (key === undefined ? undefined : keyRejection(key));
    if (rejection) return sendError(res, rejection);
    await forward(req, res, target, canonicalForm(form, req.headers));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

const internalError: S3Error = {
  status: 500,
  code: 'InternalError',
  message: 'We encountered an internal error. Please try again.',
};

const sendError = (res: ServerResponse, error: S3Error) => {
  // Refused before its body was read, a request leaves the socket unusable for the next one.
  const close = res.req.complete ? {} : { connection: 'close' };
  res.writeHead(error.status, { 'content-type': 'application/xml', ...close });
  res.end(errorXml(error));
};
