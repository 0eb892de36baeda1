import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.ts';

// The typed Darkroom client: openapi-fetch over the types openapi-typescript generates from the
// OpenAPI document (`npm run openapi`). It runs in Node 20 and in browsers (fetch, Blob, FormData).

export type DarkroomClient = ReturnType<typeof createClient<paths>>;
export type Schemas = components['schemas'];
export type Asset = Schemas['AssetResponse'];
export type UploadTarget = Schemas['UploadTarget'];

export interface ClientOptions {
  baseUrl: string;
  apiKey: string;
  /** Retries of a request that failed in transit or answered 429/502/503/504 (default 4). */
  retries?: number;
  fetch?: typeof fetch;
  /** Waits between retries; tests pass a fast one. */
  backoffMs?: (attempt: number) => number;
}

/** An answer that was not a success, with the API's `detail`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`${status}: ${detail}`);
    this.name = 'ApiError';
  }
}

/** The server could not be reached at all (DNS, refused, reset) after the retries. */
export class Unreachable extends Error {
  override name = 'Unreachable';
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const defaultBackoff = (attempt: number) => Math.min(8000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fetch that retries what is safe to retry: every request but a create, which carries an
 * Idempotency-Key (set here when absent) so the server answers a retry with the first answer.
 */
export const retryingFetch =
  (inner: typeof fetch, retries: number, backoffMs = defaultBackoff) =>
  async (request: Request): Promise<Response> => {
    for (let attempt = 0; ; attempt += 1) {
      const copy = request.clone();
      try {
        const response = await inner(copy);
        const retryAfter = Number(response.headers.get('retry-after'));
        if (!RETRY_STATUSES.has(response.status) || attempt >= retries) return response;
        await response.body?.cancel();
        await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : backoffMs(attempt));
      } catch (error) {
        if (request.signal.aborted) throw error;
        if (attempt >= retries) throw new Unreachable(`${new URL(request.url).origin} is unreachable: ${cause(error)}`);
        await sleep(backoffMs(attempt));
      }
    }
  };

const cause = (error: unknown): string => {
  const inner = (error as { cause?: { code?: string; message?: string } }).cause;
  return inner?.code ?? inner?.message ?? (error as Error).message;
};

const idempotent: Middleware = {
  onRequest: ({ request }) => {
    if (request.method === 'POST' && !request.headers.has('idempotency-key')) {
      request.headers.set('idempotency-key', crypto.randomUUID());
    }
    return request;
  },
};

export const createDarkroomClient = (options: ClientOptions): DarkroomClient => {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    fetch: retryingFetch(options.fetch ?? globalThis.fetch, options.retries ?? 4, options.backoffMs),
  });
  client.use(idempotent);
  return client;
};

/** The data of a success, or the API's error thrown as an ApiError. */
type Answer<T> = { data?: T; error?: unknown; response: Response };
export const unwrap = async <T>(call: Answer<T> | Promise<Answer<T>>): Promise<T> => {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const detail = (error as { detail?: unknown } | undefined)?.detail;
  throw new ApiError(response.status, typeof detail === 'string' ? detail : response.statusText || 'request failed');
};
