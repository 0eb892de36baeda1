import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

// SigV4's primitives, shared by signed requests (sigv4.ts) and presigned POST policies (post-policy.ts).

export const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

export const sha256Hex = (data: string): string => createHash('sha256').update(data).digest('hex');

export const signingKey = (secret: string, date: string, region: string, service: string): Buffer =>
  hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');

/** Compared in constant time, so a guessed signature learns nothing from how long the refusal took. */
export const signatureMatches = (expected: Buffer, givenHex: string): boolean => {
  const given = Buffer.from(givenHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
};
