import crypto from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it, vi } from 'vitest';
import { startS3 } from '#infra/local/s3.ts';
import { startS3Gate } from '#infra/local/s3-gate.ts';
import { createClients, LOCAL_CREDENTIALS } from '#shared/aws/clients.ts';
import { LOCAL_NAMES } from '#shared/deployment.ts';
import { logger } from '#shared/logger.ts';
import { eventually, useLocalStack } from '#test/helpers/local-stack.ts';

// Captured before the stack starts: whatever s3rver needs must not replace these here.
const { createCipheriv, createDecipheriv } = crypto;
const stack = useLocalStack();

describe('s3rver in a process of its own', () => {
  it("leaves the API's process with Node's own ciphers", () => {
    expect(stack().s3Url).toMatch(/^http:/);
    expect(crypto.createCipheriv).toBe(createCipheriv);
    expect(crypto.createDecipheriv).toBe(createDecipheriv);
    expect('desShim' in crypto.createCipheriv).toBe(false);
  });

  it('still pages a listing with continuation tokens (the DES shim works where s3rver runs)', async () => {
    const { s3 } = createClients(stack().config);
    const Bucket = LOCAL_NAMES.derivedBucket;
    const keys = ['pages/a', 'pages/b', 'pages/c'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket, Key, Body: Key }));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket, Prefix: 'pages/', MaxKeys: 1, ContinuationToken: token }),
      );
      seen.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
      token = page.NextContinuationToken;
    } while (token);
    expect(seen).toEqual(keys);
  });
});

describe("the S3 process's answers", () => {
  it('wait until the stack has taken the event a write set off', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'darkroom-s3-order-'));
    const s3rver = await startS3(directory, [{ name: 'ordered' }]);
    const taken: string[] = [];
    s3rver.onEvent(async (event) => {
      // Slower than any IPC round trip: an answer that did not wait would come first.
      await new Promise((resolve) => setTimeout(resolve, 300));
      taken.push(...event.Records.map((r) => r.s3.object.key));
    });
    try {
      const client = new S3Client({
        endpoint: `http://127.0.0.1:${s3rver.port}`,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: LOCAL_CREDENTIALS,
      });
      await client.send(new PutObjectCommand({ Bucket: 'ordered', Key: 'first', Body: 'x' }));
      expect(taken).toEqual(['first']);
    } finally {
      await s3rver.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('a crash of the S3 process', () => {
  it('is logged, and the gate answers 500 instead of hanging', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'darkroom-s3-crash-'));
    const s3rver = await startS3(directory, [{ name: 'crashing' }]);
    const gate = await startS3Gate({
      port: s3rver.port,
      directory,
      secretFor: () => LOCAL_CREDENTIALS.secretAccessKey,
    });
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    try {
      process.kill(s3rver.pid, 'SIGKILL');
      await eventually(() => (errors.mock.calls.length > 0 ? true : undefined));
      expect(errors).toHaveBeenCalledWith('the local S3 process exited', { code: null, signal: 'SIGKILL' });
      const client = new S3Client({
        endpoint: gate.url,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 1,
      });
      await expect(
        client.send(new PutObjectCommand({ Bucket: 'crashing', Key: 'k', Body: 'x' })),
      ).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    } finally {
      errors.mockRestore();
      await gate.close();
      await s3rver.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
