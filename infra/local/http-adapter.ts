import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResultV2,
  APIGatewayProxyStructuredResultV2,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { logger } from '#shared/logger.ts';
import { lambdaContext } from './lambda-context.ts';
import type { SiteFiles } from './site-files.ts';

// AWS's limits: HTTP API accepts 10 MB; a synchronous Lambda invocation takes a 6 MB event.
export const API_GATEWAY_MAX_BODY = 10 * 1024 * 1024;
export const LAMBDA_MAX_EVENT = 6 * 1024 * 1024;
/** Longer than any client keeps an idle connection; see startHttpAdapter. */
export const KEEP_ALIVE_MS = 65_000;
const TOO_LARGE = {
  detail:
    'request body too large: an API request is limited to 6 MB by AWS Lambda; upload large files with POST /api/assets/uploads',
};

// biome-ignore lint/suspicious/noExplicitAny: handlers are typed by their own routes.
type ApiHandler = (event: any, context: ReturnType<typeof lambdaContext>) => Promise<APIGatewayProxyResultV2<any>>;
type Authorizer = (
  event: APIGatewayRequestAuthorizerEventV2,
  context: ReturnType<typeof lambdaContext>,
  // biome-ignore lint/suspicious/noExplicitAny: the context is the authorizer's own business.
) => Promise<APIGatewaySimpleAuthorizerWithContextResult<any>>;

export interface CorsOptions {
  origins: readonly string[];
  methods: readonly string[];
  headers: readonly string[];
  maxAgeSeconds: number;
}

export interface AdapterOptions {
  routes: { route: { method: string; path: string; auth: boolean }; handler: ApiHandler }[];
  cors?: CorsOptions;
  authorizer?: Authorizer;
  port: number;
  timeoutMs?: number;
  /**
   * Holds each handler's answer to a contract (the tests pass the OpenAPI document's): a drift
   * answers 500 naming it, so the request that met it fails.
   */
  checkResponse?: (
    route: { method: string; path: string },
    result: APIGatewayProxyStructuredResultV2,
  ) => string | undefined;
  /** The web app's files, served for what no route takes. */
  site?: SiteFiles;
}

const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

const compile = (path: string) =>
  new RegExp(
    `^${path
      .replace(/[.*?^$()|[\]\\]/g, '\\$&')
      .replace(/\{(\w+)\+\}/g, '(?<$1>.+)')
      .replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`,
  );

/** API Gateway HTTP API (payload v2) in front of the real handlers, with the same limits. */
export const startHttpAdapter = async (options: AdapterOptions) => {
  // Literal routes win over parameterised ones, and greedy ({proxy+}) ones come last, as in API Gateway.
  const rank = (path: string) => (path.includes('+}') ? 100 : 0) + (path.match(/\{/g)?.length ?? 0);
  const table = [...options.routes]
    .sort((a, b) => rank(a.route.path) - rank(b.route.path) || b.route.path.length - a.route.path.length)
    .map((entry) => ({ ...entry, pattern: compile(entry.route.path) }));

  const allowedOrigin = (origin: string | undefined) =>
    origin && options.cors && (options.cors.origins.includes('*') || options.cors.origins.includes(origin))
      ? origin
      : undefined;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const origin = allowedOrigin(req.headers.origin);
    if (origin) res.setHeader('access-control-allow-origin', origin).setHeader('vary', 'origin');
    // API Gateway answers CORS preflights itself, before any route or authorizer.
    if (method === 'OPTIONS' && options.cors && req.headers['access-control-request-method']) {
      req.resume();
      if (origin) {
        res.setHeader('access-control-allow-methods', options.cors.methods.join(','));
        res.setHeader('access-control-allow-headers', options.cors.headers.join(','));
        res.setHeader('access-control-max-age', String(options.cors.maxAgeSeconds));
      }
      res.writeHead(204).end();
      return;
    }
    let params: Record<string, string> | null | undefined;
    const entry = table.find((candidate) => {
      if (candidate.route.method !== method && candidate.route.method !== 'ANY') return false;
      const match = candidate.pattern.exec(url.pathname);
      params = match?.groups && decodeParams(match.groups);
      return match !== null;
    });
    const body = await readBody(req);
    if (params === null) {
      return send(res, { statusCode: 400, body: JSON.stringify({ detail: 'the path has a malformed % escape' }) });
    }
    if (!entry && (await options.site?.serve(req, res, url))) return;
    if (!entry) return send(res, { statusCode: 404, body: JSON.stringify({ detail: 'not found' }) });
    if (body === undefined) return send(res, { statusCode: 413, body: JSON.stringify(TOO_LARGE) });

    const event = toEvent(req, url, body, `${entry.route.method} ${entry.route.path}`, params ?? undefined);
    if (entry.route.auth && options.authorizer) {
      const verdict = await options.authorizer(toAuthorizerEvent(event), lambdaContext('authorizer', 10_000));
      if (!verdict.isAuthorized) return send(res, { statusCode: 403, body: JSON.stringify({ message: 'Forbidden' }) });
      event.requestContext = {
        ...event.requestContext,
        authorizer: { lambda: verdict.context },
      } as typeof event.requestContext;
    }
    if (eventBytes(event) > LAMBDA_MAX_EVENT) {
      return send(res, { statusCode: 413, body: JSON.stringify(TOO_LARGE) });
    }
    const result = await entry.handler(event, lambdaContext('api', options.timeoutMs ?? 30_000));
    const drift = options.checkResponse?.(entry.route, structured(result));
    if (drift) {
      logger.error('an answer broke the API contract', { drift });
      return send(res, { statusCode: 500, body: JSON.stringify({ detail: `contract: ${drift}` }) });
    }
    send(res, result);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      logger.error('local API handler failed', { error });
      if (!res.headersSent) send(res, { statusCode: 500, body: JSON.stringify({ message: 'Internal Server Error' }) });
    });
  });
  // Idle keep-alive sockets are closed by clients (undici: after 4 s), never by this server: a server
  // that closes one just as a client reuses it resets that request, and a blocked event loop makes
  // the two timers meet. API Gateway keeps idle connections far longer, too.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

/** Path parameters decoded, or null when one holds an escape like `%ZZ` (decodeURIComponent throws on it). */
const decodeParams = (groups: Record<string, string>): Record<string, string> | null => {
  try {
    return Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, decodeURIComponent(v)]));
  } catch {
    return null;
  }
};

/** The body, or undefined when it is over API Gateway's limit (reading stops there). */
const readBody = async (req: IncomingMessage): Promise<Buffer | undefined> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > API_GATEWAY_MAX_BODY) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
};

/**
 * The event's size as Lambda counts it, its JSON. A base64 body needs no escaping, so its length
 * is added rather than a multi-MB string built for the count.
 */
export const eventBytes = (event: APIGatewayProxyEventV2): number =>
  event.isBase64Encoded && event.body
    ? Buffer.byteLength(JSON.stringify({ ...event, body: '' })) + event.body.length
    : Buffer.byteLength(JSON.stringify(event));

const toEvent = (
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  routeKey: string,
  pathParameters: Record<string, string> | undefined,
): APIGatewayProxyEventV2 => {
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] ?? '').toLowerCase();
    const value = req.rawHeaders[i + 1] ?? '';
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const cookies = headers.cookie?.split(/;\s*/).filter(Boolean);
  delete headers.cookie;
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const text = TEXT_TYPE.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length && { cookies }),
    headers,
    ...(url.search && { queryStringParameters: query }),
    ...(pathParameters && { pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: text ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: body.length > 0 && !text,
  };
};

const toAuthorizerEvent = (event: APIGatewayProxyEventV2): APIGatewayRequestAuthorizerEventV2 => ({
  version: '2.0',
  type: 'REQUEST',
  routeArn: `arn:aws:execute-api:us-east-1:000000000000:local/$default/${event.routeKey.replace(' ', '')}`,
  identitySource: [],
  routeKey: event.routeKey,
  rawPath: event.rawPath,
  rawQueryString: event.rawQueryString,
  cookies: event.cookies ?? [],
  headers: event.headers as Record<string, string>,
  ...(event.queryStringParameters && { queryStringParameters: event.queryStringParameters as Record<string, string> }),
  requestContext: event.requestContext,
  ...(event.pathParameters && { pathParameters: event.pathParameters as Record<string, string> }),
});

/** API Gateway's reading of a v2 result: an object without statusCode is a 200 JSON body. */
/** A handler's answer as API Gateway reads it: a bare value is a 200 JSON body. */
const structured = (result: APIGatewayProxyResultV2<unknown>): APIGatewayProxyStructuredResultV2 =>
  typeof result === 'object' && result !== null && 'statusCode' in result
    ? (result as APIGatewayProxyStructuredResultV2)
    : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };

const send = (res: ServerResponse, result: APIGatewayProxyResultV2<unknown>) => {
  const answer = structured(result);
  const headers: Record<string, string | string[]> = { ...(answer.headers as Record<string, string>) };
  if (answer.cookies?.length) headers['set-cookie'] = answer.cookies;
  if (answer.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  res.writeHead(answer.statusCode ?? 200, headers);
  res.end(answer.body === undefined ? undefined : Buffer.from(answer.body, answer.isBase64Encoded ? 'base64' : 'utf8'));
};
