import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { composeAccounts } from '#functions/compose-accounts.ts';
import { api } from './api.ts';
import { eventually, runningStack } from './local-stack.ts';

/** The read-only sample kit beside the checkout; suites that use it skip when it is absent. */
export const SAMPLES_DIR = resolve(process.cwd(), '../shared/samples');
export const hasSamples = existsSync(SAMPLES_DIR);

export const b64 = (algorithm: 'sha256' | 'sha1', bytes: Buffer) =>
  createHash(algorithm).update(bytes).digest('base64');

let counter = 0;
export const deviceMetadata = (overrides: Record<string, string> = {}) => ({
  device_asset_id: `test-${Date.now()}-${counter++}`,
  device_id: 'test-device',
  file_created_at: '2020-02-02T02:02:02Z',
  file_modified_at: '2020-02-03T03:03:03Z',
  ...overrides,
});

/** A key of a new user, made in the suite's running local stack. */
export const newKey = async (name = `user-${Date.now()}-${counter++}`) => {
  const accounts = composeAccounts(runningStack().config);
  return (await accounts.createApiKey(name)).key;
};

/** POST /api/assets with the file as `asset_data`. */
export const directUpload = async (
  baseUrl: string,
  key: string,
  bytes: Buffer,
  fileName: string,
  metadata: Record<string, string> = deviceMetadata(),
  type = 'application/octet-stream',
) => {
  const form = new FormData();
  for (const [name, value] of Object.entries(metadata)) form.append(name, value);
  form.append('asset_data', new Blob([bytes], { type }), fileName);
  const res = await fetch(`${baseUrl}/api/assets`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${key}` },
  });
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered.
  return { status: res.status, body: (await res.json()) as any };
};

/** POST /api/assets/uploads, then the bytes to the presigned target; answers both steps. */
export const presignedUpload = async (
  baseUrl: string,
  key: string,
  bytes: Buffer,
  fileName: string,
  mimeType: string,
  extra: Record<string, unknown> = {},
  /** Called with the asset id between asking for the target and posting the bytes. */
  beforePost?: (assetId: string) => void,
) => {
  const created = await api(baseUrl, key).post('/api/assets/uploads', {
    ...deviceMetadata(),
    file_name: fileName,
    mime_type: mimeType,
    file_size_bytes: bytes.length,
    ...extra,
  });
  if (created.status !== 201) return { created, s3Status: undefined };
  beforePost?.(created.body.asset_id);
  const form = new FormData();
  for (const [name, value] of Object.entries(created.body.upload.fields as Record<string, string>))
    form.append(name, value);
  form.append('file', new Blob([bytes], { type: mimeType }), fileName);
  const s3 = await fetch(created.body.upload.url, { method: 'POST', body: form });
  return { created, s3Status: s3.status };
};

/** Polls GET /api/assets/{id} until processing has decided. */
export const settled = (baseUrl: string, key: string, id: string, timeoutMs = 120_000) =>
  eventually(async () => {
    const res = await api(baseUrl, key).get(`/api/assets/${id}`);
    return res.status === 200 && res.body.state !== 'pending' ? res.body : undefined;
  }, timeoutMs);
