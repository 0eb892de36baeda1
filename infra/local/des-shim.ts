import crypto from 'node:crypto';

/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 (Node 20)
 * only has in its legacy provider. The token is opaque to clients, so any reversible cipher
 * does; this swaps DES for AES-128 in that one place instead of loading the legacy provider.
 * It patches the process's global crypto, so only s3rver's own process (s3-server.ts) loads it.
 */
export const shimDes = () => {
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
