import type { AssetResponse } from '#functions/api/routes/asset-outputs.ts';
import type { Asset, AssetState } from '#shared/domain/asset.ts';
import type { Exif } from '#shared/domain/exif.ts';
import { isVideoType } from '#shared/domain/media-types.ts';
import type { ObjectStorage } from '#shared/domain/ports.ts';
import { rawSize, renditionWidths } from '#shared/domain/renditions.ts';
import { derivedKeys } from '#shared/object-keys.ts';

type Variant = AssetResponse['asset_urls'][string];

/** Darkroom keeps one version of an asset, its upload: the version's id is made from the asset's. */
export const currentVersionId = (assetId: string): string => `asset_version_${assetId.slice('asset_'.length)}`;

/**
 * The SDK's `asset_urls`: without `variants` only the lean rung (`thumbnail`, `thumbnail_image` for
 * a video), with it every rung Darkroom makes. A rung that does not exist (yet) is absent, never a
 * link to something else. Widths are the original's and, for the derived files, what rendering
 * makes of it (`renditionWidths`); null while the size is unknown (not processed).
 */
export const assetUrls = async (
  asset: Asset,
  state: AssetState,
  storage: ObjectStorage,
  variants: boolean,
  signed: { original: { url: string; mimetype: string } | null; thumbnail: string | null },
): Promise<Record<string, Variant>> => {
  const still = asset.mimeType !== undefined && isVideoType(asset.mimeType) ? '_image' : '';
  const urls: Record<string, Variant> = {};
  const widths = asset.width && asset.height ? renditionWidths(asset.width, asset.height) : undefined;
  if (signed.thumbnail) {
    urls[`thumbnail${still}`] = { mimetype: 'image/webp', url: signed.thumbnail, width: widths?.thumbnail ?? null };
  }
  if (!variants) return urls;
  if (signed.original) urls.original = { ...signed.original, width: asset.width || null };
  if (state === 'ready') {
    const url = await storage.derivedUrl(derivedKeys(asset).preview, 'image/jpeg');
    urls[`preview${still}`] = { mimetype: 'image/jpeg', url, width: widths?.preview ?? null };
  }
  return urls;
};

/**
 * The SDK's place and raw-size fields of `metadata`. The names come from the position (or, without
 * one, the file's own); no landmark or district is known. The label follows upstream's rule (most
 * specific name, then city, then state or country). The raw size is the image's before its EXIF
 * orientation; a video's is unknown (null).
 */
export const placeFields = (asset: Asset, exif: Exif) => ({
  country_code: asset.countryCode ?? null,
  display_label: displayLabel(exif),
  place_name: null,
  sublocation: null,
  timezone: asset.timezone ?? null,
  ...rawFields(asset, exif),
});

const rawFields = (asset: Asset, exif: Exif) => {
  if (!asset.width || !asset.height || !asset.mimeType || isVideoType(asset.mimeType)) {
    return { raw_width: null, raw_height: null };
  }
  const { width, height } = rawSize(asset.width, asset.height, exif.orientation);
  return { raw_width: width, raw_height: height };
};

const displayLabel = (exif: Exif): string | null => {
  const primary = exif.city ?? exif.country;
  if (!primary) return exif.state;
  const context = exif.city ? (exif.state ?? exif.country) : null;
  return context && context !== primary ? `${primary}, ${context}` : primary;
};
