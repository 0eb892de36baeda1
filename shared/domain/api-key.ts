import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'dk_';
/** 32 random bytes in base64url: 43 characters, 256 bits. */
const KEY_BYTES = 32;
const KEY_SHAPE = /^dk_[A-Za-z0-9_-]{43}$/;

export const generateApiKey = (): string => PREFIX + randomBytes(KEY_BYTES).toString('base64url');

/** Only this digest is stored; the key itself is shown once and never persisted. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const isApiKeyShaped = (value: string): boolean => KEY_SHAPE.test(value);

/** The key from an `Authorization: Bearer <key>` header, or undefined when absent or malformed. */
export const bearerKey = (header: string | undefined): string | undefined => {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  const key = match?.[1];
  return key && isApiKeyShaped(key) ? key : undefined;
};
