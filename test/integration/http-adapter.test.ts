import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventBytes, LAMBDA_MAX_EVENT, startHttpAdapter } from '#infra/local/http-adapter.ts';

let received: APIGatewayProxyEventV2 | undefined;
// Echoes what it was given, answering in whatever form the request asks for.
const echo = async (event: APIGatewayProxyEventV2) => {
  received = event;
  const status = Number(event.queryStringParameters?.status ?? 200);
  if (event.queryStringParameters?.raw === 'object') return { hello: 'world' };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/octet-stream', 'x-echo': event.headers['x-custom'] ?? '' },
    cookies: ['a=1; Path=/', 'b=2; HttpOnly'],
    body: event.body ? (event.isBase64Encoded ? event.body : Buffer.from(event.body).toString('base64')) : '',
    isBase64Encoded: true,
  };
};

let adapter: Awaited<ReturnType<typeof startHttpAdapter>>;
beforeAll(async () => {
  adapter = await startHttpAdapter({
    port: 0,
    routes: [
      { route: { method: 'POST', path: '/echo/{name}', auth: false }, handler: echo },
      { route: { method: 'GET', path: '/echo/{name}', auth: false }, handler: echo },
      { route: { method: 'GET', path: '/echo/fixed', auth: false }, handler: echo },
    ],
  });
});
afterAll(() => adapter.close());

describe('the local API Gateway adapter', () => {
  it('turns a request into a v2 event: route, path parameters, headers, query, cookies', async () => {
    const res = await fetch(`${adapter.url}/echo/some%20thing?a=1&a=2&b=x%26y`, {
      headers: { 'X-Custom': 'Value', cookie: 'session=abc; theme=dark' },
    });
    expect(res.status).toBe(200);
    expect(received).toMatchObject({
      version: '2.0',
      routeKey: 'GET /echo/{name}',
      rawPath: '/echo/some%20thing',
      rawQueryString: 'a=1&a=2&b=x%26y',
      pathParameters: { name: 'some thing' },
      queryStringParameters: { a: '1,2', b: 'x&y' },
      cookies: ['session=abc', 'theme=dark'],
      requestContext: { http: { method: 'GET', path: '/echo/some%20thing' }, stage: '$default' },
    });
    expect(received?.headers['x-custom']).toBe('Value');
    expect(received?.headers.cookie).toBeUndefined();
    expect(res.headers.get('x-echo')).toBe('Value');
    expect(res.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
  });

  it('answers 400 with a detail, not a 5xx, for a malformed % escape in a path parameter', async () => {
    received = undefined;
    for (const path of ['/echo/%ZZ', '/echo/%E0%A4%A', '/echo/%ff']) {
      const res = await fetch(`${adapter.url}${path}`);
      expect(res.status, path).toBe(400);
      expect(await res.json(), path).toEqual({ detail: 'the path has a malformed % escape' });
    }
    expect(received).toBeUndefined();
  });

  it('prefers a literal route over a parameterised one', async () => {
    await fetch(`${adapter.url}/echo/fixed`);
    expect(received?.routeKey).toBe('GET /echo/fixed');
  });

  it('base64-encodes binary bodies and passes text bodies as text', async () => {
    const binary = Buffer.from([0, 255, 1, 254, 128]);
    const res = await fetch(`${adapter.url}/echo/bin`, {
      method: 'POST',
      body: binary,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(received?.isBase64Encoded).toBe(true);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(binary);

    await fetch(`${adapter.url}/echo/text`, {
      method: 'POST',
      body: '{"é":1}',
      headers: { 'content-type': 'application/json' },
    });
    expect(received).toMatchObject({ isBase64Encoded: false, body: '{"é":1}' });
  });

  it('passes status codes through and reads a bare object as a 200 JSON answer', async () => {
    expect((await fetch(`${adapter.url}/echo/x?status=418`)).status).toBe(418);
    const bare = await fetch(`${adapter.url}/echo/x?raw=object`);
    expect(bare.status).toBe(200);
    expect(bare.headers.get('content-type')).toBe('application/json');
    expect(await bare.json()).toEqual({ hello: 'world' });
  });

  it('answers 404 with a detail for a route it does not have', async () => {
    const res = await fetch(`${adapter.url}/nothing`, { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ detail: 'not found' });
  });

  it('refuses a body over the Lambda payload limit with 413 and never calls the handler', async () => {
    received = undefined;
    const body = Buffer.alloc(Math.ceil((LAMBDA_MAX_EVENT * 3) / 4) + 1024, 1);
    const res = await fetch(`${adapter.url}/echo/big`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/POST \/api\/assets\/uploads/);
    expect(received).toBeUndefined();
  });

  it('counts an event’s size as its JSON, without building it for a base64 body', () => {
    const event = {
      version: '2.0',
      headers: { 'content-type': 'image/jpeg', 'x-quote': 'a "quoted" \\ value é' },
      isBase64Encoded: true,
      body: Buffer.alloc(3000, 7).toString('base64'),
    } as unknown as Parameters<typeof eventBytes>[0];
    expect(eventBytes(event)).toBe(Buffer.byteLength(JSON.stringify(event)));
    const text = { ...event, isBase64Encoded: false, body: '{"name":"é \\"x\\""}' };
    expect(eventBytes(text)).toBe(Buffer.byteLength(JSON.stringify(text)));
  });

  it('refuses a body over API Gateway’s 10 MB without reading it all', async () => {
    const res = await fetch(`${adapter.url}/echo/huge`, { method: 'POST', body: Buffer.alloc(11 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });

  it('accepts a body just under the limit', async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 2);
    const res = await fetch(`${adapter.url}/echo/ok`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
  });
});
