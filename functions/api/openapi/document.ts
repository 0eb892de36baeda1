import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import { errorResponse } from '#functions/api/routes/asset-outputs.ts';
import { type NOT_OFFERED, ROUTES, type Route, type RouteName } from '#shared/http/routes.ts';
import { ACCOUNT_OPERATIONS } from './account-operations.ts';
import { ASSET_OPERATIONS } from './asset-operations.ts';
import { EXAMPLES } from './examples.ts';
import { LIBRARY_OPERATIONS } from './library-operations.ts';
import { ERRORS, type ErrorStatus, errorsOf, type Operation } from './operation.ts';

/** Routes that answer only "not offered" are not part of the API a client is generated for. */
export type OfferedRoute = Exclude<RouteName, keyof typeof NOT_OFFERED>;

/** Every offered route's documentation; the compiler refuses a route without one. */
export const OPERATIONS: Record<OfferedRoute, Operation> = {
  ...ACCOUNT_OPERATIONS,
  ...ASSET_OPERATIONS,
  ...LIBRARY_OPERATIONS,
};

export const API_VERSION = '1.0.0';

const error = errorResponse.meta({ id: 'Error', example: EXAMPLES.error });
const retryAfter = z.object({ 'retry-after': z.string().meta({ description: 'Seconds to wait before retrying.' }) });
const shouldRetry = z.object({
  'x-should-retry': z.literal('false').optional().meta({ description: 'Present when a retry cannot succeed.' }),
});

/** Each error status is one registered response (`#/components/responses/Error…`) every route refers to. */
const errorAnswer = (status: ErrorStatus): ZodOpenApiResponseObject => ({
  id: `Error${status}`,
  description: ERRORS[status],
  content: { 'application/json': { schema: error } },
  ...(status === 502 && { headers: retryAfter }),
  ...((status === 409 || status === 507) && { headers: shouldRetry }),
});
const ERROR_ANSWERS = Object.fromEntries(
  Object.keys(ERRORS).map((status) => [status, errorAnswer(Number(status) as ErrorStatus)]),
) as Record<ErrorStatus, ZodOpenApiResponseObject>;

const operationObject = (name: OfferedRoute, route: Route, op: Operation): ZodOpenApiOperationObject => ({
  operationId: name,
  tags: [op.tag],
  summary: op.summary,
  ...(op.description && { description: op.description }),
  ...(!route.auth && { security: [] }),
  ...((op.path || op.query || op.headers) && {
    requestParams: {
      ...(op.path && { path: op.path }),
      ...(op.query && { query: op.query }),
      ...(op.headers && { header: op.headers }),
    },
  }),
  ...(op.body && {
    requestBody: {
      required: true,
      content: {
        'application/json': { schema: op.body, ...(op.bodyExample !== undefined && { example: op.bodyExample }) },
      },
    },
  }),
  ...(op.form && { requestBody: { required: true, content: { 'multipart/form-data': { schema: op.form } } } }),
  responses: {
    ...Object.fromEntries(
      Object.entries(op.responses).map(([status, answer]) => [
        status,
        {
          description: answer.description,
          content: {
            [op.text ? 'text/plain' : 'application/json']: {
              schema: answer.schema,
              ...(answer.example !== undefined && { example: answer.example }),
            },
          },
        },
      ]),
    ),
    ...Object.fromEntries(errorsOf(op, route.auth).map((status) => [status, ERROR_ANSWERS[status]])),
  },
});

const build = () => {
  const paths: ZodOpenApiPathsObject = {};
  for (const [name, op] of Object.entries(OPERATIONS) as [OfferedRoute, Operation][]) {
    const route = ROUTES[name];
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete';
    paths[route.path] = { ...paths[route.path], [method]: operationObject(name, route, op) };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Darkroom',
      version: API_VERSION,
      description:
        'A photo and video asset API: upload originals (directly to S3 for large files), read them back with signed URLs, organise them in libraries, albums and people, and follow changes through the feed. Compatible with the Gumnut SDK; stacks, search and asset versions are not offered (those routes answer 404 saying so). Every error is `{"detail": "…"}`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'The local stack (`npm start`)' }],
    security: [{ apiKey: [] }],
    tags: [
      { name: 'server' },
      { name: 'users' },
      { name: 'libraries' },
      { name: 'assets' },
      { name: 'uploads', description: 'Direct-to-S3 uploads: one presigned POST, or resumable parts.' },
      { name: 'albums' },
      { name: 'faces' },
      { name: 'people' },
      { name: 'events' },
    ],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key (`npm run keys -- create --user NAME`), sent as `Authorization: Bearer <key>`.',
        },
      },
    },
    paths,
  });
};

let document: ReturnType<typeof build> | undefined;

/** The OpenAPI 3.1 document of every offered route, built once per process from the routes' zod schemas. */
export const openApiDocument = () => {
  document ??= build();
  return document;
};
