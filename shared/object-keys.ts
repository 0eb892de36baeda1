// S3 object keys: prefixes and key builders shared by the CDK stack, the local stack and the adapters.
// Nothing here may import an SDK: infra/ and the runtime both depend on it.

export const ORIGINALS_PREFIX = 'originals/';
export const DERIVED_PREFIX = 'derived/';

/** File names of an asset's derived images, under its derived prefix. */
export const PREVIEW_FILE = 'preview.jpeg';
export const THUMBNAIL_FILE = 'thumbnail.webp';

export const originalKey = (owner: string, assetId: string): string => `${ORIGINALS_PREFIX}${owner}/${assetId}`;

const ORIGINAL_KEY = /^originals\/(user_[A-Za-z0-9]+)\/(asset_[A-Za-z0-9]+)$/;

/** Owner and asset of an original's key; undefined for any key we did not make. */
export const parseOriginalKey = (key: string): { owner: string; assetId: string } | undefined => {
  const match = ORIGINAL_KEY.exec(key);
  return match?.[1] && match[2] ? { owner: match[1], assetId: match[2] } : undefined;
};

export const derivedKey = (owner: string, assetId: string, file: string): string =>
  `${DERIVED_PREFIX}${owner}/${assetId}/${file}`;

/** Every derived file of an asset: what processing writes and what deletion removes. */
export const derivedKeys = (asset: { owner: string; id: string }) => ({
  preview: derivedKey(asset.owner, asset.id, PREVIEW_FILE),
  thumbnail: derivedKey(asset.owner, asset.id, THUMBNAIL_FILE),
});

/** A face's square crop, beside its asset's other derived files. */
export const faceCropKey = (asset: { owner: string; id: string }, faceId: string): string =>
  derivedKey(asset.owner, asset.id, `faces/${faceId}.jpeg`);
