import { createHash, randomUUID } from 'node:crypto';

// shortuuid's alphabet: no 0/O, 1/I/l, so ids survive being read aloud or retyped.
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const BASE = BigInt(ALPHABET.length);
/** 57^22 > 2^128, so 22 digits hold any UUID. */
const LENGTH = 22;

export type IdPrefix = 'asset' | 'lib' | 'user' | 'key' | 'face' | 'person' | 'btask' | 'album' | 'album_asset';

export const encodeUuid = (uuid: string): string => {
  let n = BigInt(`0x${uuid.replaceAll('-', '')}`);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % BASE)] + out;
    n /= BASE;
  }
  return out.padStart(LENGTH, ALPHABET[0]);
};

export const newId = (prefix: IdPrefix): string => `${prefix}_${encodeUuid(randomUUID())}`;

export const idPattern = (prefix: IdPrefix): RegExp => new RegExp(`^${prefix}_[${ALPHABET}]{${LENGTH}}$`);

/** An id that is the same every time for the same parts: a replay writes the same face again. */
export const stableId = (prefix: IdPrefix, ...parts: (string | number)[]): string => {
  const hex = createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32);
  return `${prefix}_${encodeUuid(hex)}`;
};
