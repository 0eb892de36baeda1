import crypto from 'node:crypto';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createClients } from '../../shared/aws/clients.ts';
import { loadConfig } from '../../shared/config.ts';
import { LOCAL_NAMES } from '../../shared/names.ts';
import { useLocalStack } from '../helpers/local-stack.ts';

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
    const { s3 } = createClients(loadConfig());
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
