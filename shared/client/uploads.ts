import { ApiError, type Asset, type DarkroomClient, unwrap } from './client.ts';
import type { paths } from './schema.ts';

// The two direct-to-S3 upload flows over the typed client, for Node (a Blob from fs.openAsBlob,
// read lazily) and browsers (a File) alike: one presigned POST, or parts PUT to presigned URLs
// with retries, fresh URLs for expired ones, and resume from what S3 already holds.

type CreateBody = paths['/api/assets/uploads']['post']['requestBody']['content']['application/json'];
/** What `POST /api/assets/uploads` takes, but the size: the blob's. */
export type UploadRequest = Omit<CreateBody, 'file_size_bytes'>;
type Target = Extract<
  paths['/api/assets/uploads']['post']['responses'][201]['content']['application/json'],
  { upload: unknown }
>['upload'];
export type PostTarget = Extract<Target, { type: 'post' }>;
export type PartsTarget = Extract<Target, { type: 'multipart' }>;
type SignedPart = PartsTarget['parts'][number];

export interface SendOptions {
  /** Bytes S3 has confirmed, as each POST or part lands. */
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
  /** Parts in flight at once (default 4). */
  partConcurrency?: number;
  /** Tries of each POST or part beyond the first (default 4). */
  retries?: number;
  backoffMs?: (attempt: number) => number;
  fetch?: typeof fetch;
}

export type Created = { status: 'duplicate'; asset: Asset } | { status: 'target'; assetId: string; upload: Target };

/** The POST target's time is up: ask for a new one (a new upload). */
export class TargetExpired extends Error {
  override name = 'TargetExpired';
}

/** Asks where to send the bytes (or learns, by checksum, that they are already there). */
export const createUpload = async (client: DarkroomClient, blob: Blob, request: UploadRequest): Promise<Created> => {
  const { data, error, response } = await client.POST('/api/assets/uploads', {
    body: { ...request, file_size_bytes: blob.size },
  });
  if (response.status === 201 && data && 'upload' in data) {
    return { status: 'target', assetId: data.asset_id, upload: data.upload };
  }
  if (response.status === 200 && data && 'id' in data) return { status: 'duplicate', asset: data as Asset };
  throw new ApiError(response.status, (error as { detail?: string } | undefined)?.detail ?? response.statusText);
};

/** Sends the bytes to a target `createUpload` gave; a multipart one is completed and its asset answered. */
export const sendToTarget = async (
  client: DarkroomClient,
  blob: Blob,
  assetId: string,
  upload: Target,
  options: SendOptions = {},
): Promise<Asset | undefined> => {
  if (upload.type === 'post') {
    await sendPost(blob, upload, options);
    return undefined;
  }
  return sendParts(client, blob, assetId, { ...upload, held: new Map() }, options);
};

/** Creates and sends in one: the asset, or the one that already held these bytes. */
export const uploadBlob = async (
  client: DarkroomClient,
  blob: Blob,
  request: UploadRequest,
  options: SendOptions = {},
): Promise<{ status: 'uploaded' | 'duplicate'; assetId: string }> => {
  const created = await createUpload(client, blob, request);
  if (created.status === 'duplicate') return { status: 'duplicate', assetId: created.asset.id };
  await sendToTarget(client, blob, created.assetId, created.upload, options);
  return { status: 'uploaded', assetId: created.assetId };
};

/**
 * Resumes a multipart upload after anything (a crash, a lost network, expired URLs): reads what
 * S3 holds, sends only the other parts, and completes.
 */
export const resumeParts = async (
  client: DarkroomClient,
  blob: Blob,
  assetId: string,
  options: SendOptions = {},
): Promise<Asset> => {
  const status = await unwrap(client.GET('/api/assets/uploads/{id}', { params: { path: { id: assetId } } }));
  if (status.file_size_bytes !== blob.size) {
    throw new ApiError(409, `the upload expects ${status.file_size_bytes} bytes; the file now has ${blob.size}`);
  }
  const held = new Map(status.parts.map((p) => [p.part_number, { etag: p.etag, size: p.size }]));
  return sendParts(client, blob, assetId, { ...status, parts: [], held }, options);
};

const sendPost = async (blob: Blob, target: PostTarget, options: SendOptions) => {
  if (Date.parse(target.expires_at) <= Date.now()) throw new TargetExpired('the upload target has expired');
  await withRetries(options, async () => {
    const form = new FormData();
    for (const [name, value] of Object.entries(target.fields)) form.append(name, value);
    form.append('file', blob);
    const response = await (options.fetch ?? fetch)(target.url, {
      method: 'POST',
      body: form,
      ...(options.signal && { signal: options.signal }),
    });
    if (response.status === 403 && Date.parse(target.expires_at) <= Date.now()) {
      throw new TargetExpired('the upload target expired while sending');
    }
    await expectOk(response, 'the upload');
  });
  options.onBytes?.(blob.size);
};

interface PartsPlan {
  part_size: number;
  part_count: number;
  parts: SignedPart[];
  held: Map<number, { etag: string; size: number }>;
}

const sendParts = async (
  client: DarkroomClient,
  blob: Blob,
  assetId: string,
  plan: PartsPlan,
  options: SendOptions,
): Promise<Asset> => {
  const sizeOf = (n: number) =>
    n < plan.part_count ? plan.part_size : blob.size - plan.part_size * (plan.part_count - 1);
  const etags = new Map<number, string>();
  for (const [n, part] of plan.held) if (part.size === sizeOf(n)) etags.set(n, part.etag);
  const missing = Array.from({ length: plan.part_count }, (_, i) => i + 1).filter((n) => !etags.has(n));
  const urls = new Map(plan.parts.map((p) => [p.part_number, p.url]));
  const sign = async (numbers: number[]) => {
    const { parts } = await unwrap(
      client.POST('/api/assets/uploads/{id}/parts', {
        params: { path: { id: assetId } },
        body: { part_numbers: numbers },
      }),
    );
    for (const part of parts) urls.set(part.part_number, part.url);
  };
  let signing: Promise<void> | undefined;
  const urlFor = async (n: number) => {
    while (!urls.has(n)) {
      // One signing request at a time, for the next hundred parts still to send.
      signing ??= sign(missing.filter((m) => !etags.has(m) && !urls.has(m)).slice(0, 100)).finally(() => {
        signing = undefined;
      });
      await signing;
    }
    return urls.get(n) as string;
  };

  const sendPart = (n: number) =>
    withRetries(options, async () => {
      const start = (n - 1) * plan.part_size;
      const response = await (options.fetch ?? fetch)(await urlFor(n), {
        method: 'PUT',
        body: blob.slice(start, start + sizeOf(n)),
        ...(options.signal && { signal: options.signal }),
      });
      if (response.status === 403) {
        // An expired URL (S3 says AccessDenied, "Request has expired"): sign it again and retry.
        urls.delete(n);
        await response.body?.cancel();
        throw new RetryNow('the part URL expired');
      }
      await expectOk(response, `part ${n}`);
      const etag = response.headers.get('etag');
      if (!etag) throw new Error(`part ${n}: S3 answered no ETag (is it exposed to this origin?)`);
      etags.set(n, etag);
      options.onBytes?.(sizeOf(n));
    });

  const queue = [...missing];
  const workers = Array.from({ length: Math.min(options.partConcurrency ?? 4, queue.length) }, async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
      options.signal?.throwIfAborted();
      await sendPart(n);
    }
  });
  await Promise.all(workers);
  const parts = [...etags].sort(([a], [b]) => a - b).map(([part_number, etag]) => ({ part_number, etag }));
  const completed = client.POST('/api/assets/uploads/{id}/complete', {
    params: { path: { id: assetId } },
    body: { parts },
  });
  return (await unwrap(completed)) as Asset;
};

/** A failure that is retried at once, without counting as a try (an expired URL made fresh). */
class RetryNow extends Error {}
/** A failure no retry can mend (a 4xx other than an expired URL). */
class Refused extends Error {}

const expectOk = async (response: Response, what: string) => {
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const text = (await response.text()).slice(0, 300);
  const message = `${what}: S3 answered ${response.status} ${text.match(/<Message>([^<]*)</)?.[1] ?? text}`;
  throw response.status >= 500 || response.status === 429 ? new Error(message) : new Refused(message);
};

const withRetries = async (options: SendOptions, attempt: () => Promise<void>) => {
  const retries = options.retries ?? 4;
  const backoff = options.backoffMs ?? ((n: number) => Math.min(8000, 250 * 2 ** n));
  let fresh = 0;
  for (let tries = 0; ; ) {
    try {
      return await attempt();
    } catch (error) {
      if (options.signal?.aborted || error instanceof Refused || error instanceof TargetExpired) throw error;
      if (error instanceof RetryNow && fresh++ < 3) continue;
      if (tries++ >= retries) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoff(tries)));
    }
  }
};
