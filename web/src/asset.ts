import type { Schemas } from '#shared/client/index.ts';

/** An asset as openapi-fetch hands it over: the fields typed only as `null` are left out of its type. */
export type Asset = Omit<Schemas['AssetResponse'], 'description' | 'stack_id'>;
