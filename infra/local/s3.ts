import crypto from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';

export interface S3Event {
  Records: {
    eventName: string;
    eventTime: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
    requestParameters?: { sourceIPAddress?: string };
  }[];
}

export interface EmbeddedS3 {
  port: number;
  onEvent(listener: (event: S3Event) => void): void;
  close(): Promise<void>;
}

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 (Node 20)
 * only has in its legacy provider. The token is opaque to clients, so any reversible cipher
 * does; this swaps DES for AES-128 in that one place instead of loading the legacy provider.
 */
const shimDes = () => {
  const widen = (b: crypto.BinaryLike) => Buffer.concat([Buffer.from(b as Buffer), Buffer.alloc(16)]).subarray(0, 16);
  const { createCipheriv, createDecipheriv } = crypto;
  if ((createCipheriv as { desShim?: boolean }).desShim) return;
  const cipher = ((algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, options?: unknown) =>
    algorithm === 'des'
      ? createCipheriv('aes-128-cbc', widen(key as Buffer), widen(iv as Buffer))
      : createCipheriv(algorithm, key, iv, options as never)) as typeof createCipheriv;
  const decipher = ((algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, options?: unknown) =>
    algorithm === 'des'
      ? createDecipheriv('aes-128-cbc', widen(key as Buffer), widen(iv as Buffer))
      : createDecipheriv(algorithm, key, iv, options as never)) as typeof createDecipheriv;
  Object.assign(cipher, { desShim: true });
  crypto.createCipheriv = cipher;
  crypto.createDecipheriv = decipher;
};

export const startS3 = async (
  directory: string,
  buckets: { name: string; configs?: string[] }[],
): Promise<EmbeddedS3> => {
  shimDes();
  await mkdir(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    // A presigned POST's Host is not signed; s3rver would take an unknown Host for a bucket name.
    vhostBuckets: false,
    directory,
    configureBuckets: buckets.map((b) => ({ name: b.name, configs: b.configs ?? [] })),
  });
  const address = (await server.run()) as AddressInfo;
  return {
    port: address.port,
    onEvent: (listener) => server.on('event', listener),
    close: () => server.close() as Promise<void>,
  };
};
