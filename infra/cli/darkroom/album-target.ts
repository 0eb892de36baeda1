import { type DarkroomClient, unwrap } from '#shared/client/index.ts';

const ADD_BATCH = 200;

/** The album of that name (in the library, when one is named), created when there is none. */
export const findOrCreateAlbum = async (
  client: DarkroomClient,
  name: string,
  library: string | undefined,
  create: boolean,
): Promise<{ id: string; created: boolean } | undefined> => {
  let after: string | undefined;
  for (;;) {
    const page = await unwrap(
      client.GET('/api/albums', {
        params: {
          query: { limit: 200, ...(library && { library_id: library }), ...(after && { starting_after_id: after }) },
        },
      }),
    );
    const found = page.data.find((album) => album.name === name);
    if (found) return { id: found.id, created: false };
    if (!page.has_more || page.data.length === 0) break;
    after = page.data.at(-1)?.id;
  }
  if (!create) return undefined;
  const album = await unwrap(client.POST('/api/albums', { body: { name, ...(library && { library_id: library }) } }));
  return { id: album.id, created: true };
};

/** Adds the assets (already members are fine: the API reports them as duplicates). */
export const addToAlbum = async (client: DarkroomClient, albumId: string, assetIds: string[]) => {
  for (let i = 0; i < assetIds.length; i += ADD_BATCH) {
    await unwrap(
      client.POST('/api/albums/{id}/assets', {
        params: { path: { id: albumId } },
        body: { asset_ids: assetIds.slice(i, i + ADD_BATCH) },
      }),
    );
  }
};
