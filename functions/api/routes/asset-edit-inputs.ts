import { z } from 'zod';
import type { AssetChange } from '#shared/domain/asset-edits.ts';
import { parseWallClock } from '#shared/domain/datetime.ts';
import { idPattern } from '#shared/domain/ids.ts';

// The bodies of `update_asset` and `bulk_update_assets`: a field absent is unchanged, null clears it.

const BULK_MAX = 200;

const change = z
  .strictObject({
    description: z.string().max(10_000).nullable().optional(),
    latitude: z.number().min(-90).max(90).nullable().optional(),
    longitude: z.number().min(-180).max(180).nullable().optional(),
    original_datetime: z
      .string()
      .nullable()
      .optional()
      .refine((v) => v == null || parseWallClock(v) !== undefined, 'must be an ISO 8601 date and time'),
  })
  .refine((c) => (c.latitude === undefined) === (c.longitude === undefined), {
    message: 'latitude and longitude are set (or cleared) together',
  })
  .refine((c) => (c.latitude === null) === (c.longitude === null), {
    message: 'latitude and longitude are set (or cleared) together',
  })
  .transform((c): AssetChange => {
    const clock =
      c.original_datetime === undefined || c.original_datetime === null
        ? c.original_datetime
        : parseWallClock(c.original_datetime);
    return {
      ...(c.description !== undefined && { description: c.description }),
      ...(c.latitude !== undefined && {
        position: c.latitude === null || c.longitude == null ? null : { latitude: c.latitude, longitude: c.longitude },
      }),
      ...(clock !== undefined && { originalDatetime: clock }),
    };
  });

export const updateAssetRequest = change;

export const bulkUpdateRequest = z.strictObject({
  updates: z
    .array(
      z.strictObject({
        id: z.string().regex(idPattern('asset'), 'must be an asset id (asset_…)'),
        change,
      }),
    )
    .min(1)
    .max(BULK_MAX),
});
