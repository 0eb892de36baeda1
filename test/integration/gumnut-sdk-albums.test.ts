import { expect, it } from 'vitest';
import {
  addAssetsResponse,
  albumAssetListResponse,
  albumAssetResponse,
  albumListResponse,
  albumResponse,
} from '#functions/api/routes/album-outputs.ts';
import { assetListResponse, errorResponse } from '#functions/api/routes/asset-outputs.ts';
import { describeWithSdk, RAW, runSdk } from '#test/helpers/gumnut-sdk.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

// The SDK's albums, albums.assets_associations and album_assets resources against the local
// stack, strict response validation on; each answer is also held to Darkroom's own schemas.

const stack = useLocalStack();

/** A user with three photos taken on days 1, 2 and 3. */
const userWithPhotos = async () => {
  const key = await newKey();
  const assets: string[] = [];
  for (const day of [1, 2, 3]) {
    const metadata = deviceMetadata({ file_created_at: `2022-05-0${day}T09:00:00Z` });
    const res = await directUpload(
      stack().apiUrl,
      key,
      await uniquePng(8100 + day + assets.length * 7),
      'p.png',
      metadata,
    );
    assets.push(res.body.id);
  }
  return { target: { baseUrl: stack().apiUrl, apiKey: key }, assets };
};

describeWithSdk('albums through the Gumnut SDK', () => {
  it('albums.create / retrieve / update / list / delete and the asset associations answer the SDK’s models', async () => {
    const { target, assets } = await userWithPhotos();
    const answer = await runSdk(
      target,
      `${RAW}
albums = client.albums.with_raw_response
links = client.albums.assets_associations.with_raw_response
created = raw(lambda: albums.create(name="Spring", description="Walks"))
album_id = created["json"]["id"]
added = raw(lambda: links.add(album_id, asset_ids=ARGS["assets"] + ["asset_2222222222222222222222"]))
again = raw(lambda: links.add(album_id, asset_ids=ARGS["assets"][:1]))
for i in range(3):
    client.albums.create(name=f"extra {i}")
emit({
    "created": created,
    "added": added,
    "again": again,
    "retrieved": raw(lambda: albums.retrieve(album_id)),
    "updated": raw(lambda: albums.update(album_id, name="Spring 2022", album_cover_asset_id=ARGS["assets"][0])),
    "listed": raw(lambda: albums.list(limit=2)),
    "paged": [a.id for a in client.albums.list(limit=2)],
    "of_asset": [a.id for a in client.albums.list(asset_id=ARGS["assets"][1])],
    "assets": raw(lambda: client.assets.with_raw_response.list(album_id=album_id, order="asc")),
    "timeline": [a.id for a in client.assets.list(album_id=album_id, limit=1)],
    "in_album": [a.id for a in client.assets.list(album_filter="in_album")],
    "link_list": raw(lambda: client.album_assets.with_raw_response.list(album_id=album_id)),
    "link_paged": [l.asset_id for l in client.album_assets.list(album_id=album_id, limit=1)],
    "removed": raw(lambda: links.remove(album_id, asset_ids=ARGS["assets"][:2])),
    "not_in_album": [a.id for a in client.assets.list(album_filter="not_in_album")],
    "after_remove": raw(lambda: albums.retrieve(album_id)),
    "bad_cover": api_error(lambda: client.albums.update(album_id, album_cover_asset_id=ARGS["assets"][0])),
    "too_many": api_error(lambda: client.albums.assets_associations.add(album_id, asset_ids=ARGS["assets"] * 70)),
    "contradiction": api_error(lambda: client.assets.list(album_id=album_id, album_filter="not_in_album")),
    "deleted": raw(lambda: albums.delete(album_id)),
    "gone": api_error(lambda: client.albums.retrieve(album_id)),
    "photos_left": [a.id for a in client.assets.list()],
})`,
      { assets },
    );
    expect(answer.created.status).toBe(201);
    const album = albumResponse.parse(answer.created.json);
    expect(album).toMatchObject({ name: 'Spring', description: 'Walks', asset_count: 0 });
    expect(addAssetsResponse.parse(answer.added.json)).toEqual({
      added_assets: assets,
      duplicate_assets: [],
      not_found_assets: ['asset_2222222222222222222222'],
    });
    expect(answer.again.json).toEqual({ added_assets: [], duplicate_assets: [assets[0]], not_found_assets: [] });
    expect(albumResponse.parse(answer.retrieved.json)).toMatchObject({
      asset_count: 3,
      start_date: '2022-05-01T09:00:00Z',
      end_date: '2022-05-03T09:00:00Z',
      album_cover_asset_id: assets[2],
    });
    expect(albumResponse.parse(answer.updated.json)).toMatchObject({
      name: 'Spring 2022',
      album_cover_asset_id: assets[0],
    });
    const listed = albumListResponse.parse(answer.listed.json);
    expect(listed).toMatchObject({ has_more: true });
    expect(listed.data.map((a) => a.name)).toEqual(['extra 2', 'extra 1']);
    // The SDK's auto-pagination follows has_more with starting_after_id: every album once.
    expect(answer.paged).toHaveLength(4);
    expect(answer.paged.at(-1)).toBe(album.id);
    expect(answer.of_asset).toEqual([album.id]);
    expect(assetListResponse.parse(answer.assets.json).data.map((a) => a.id)).toEqual(assets);
    expect(answer.timeline).toEqual([...assets].reverse());
    expect(answer.in_album).toEqual([...assets].reverse());
    expect(albumAssetListResponse.parse(answer.link_list.json).data.map((l) => l.asset_id)).toEqual(assets);
    for (const link of answer.link_list.json.data) expect(albumAssetResponse.parse(link).album_id).toBe(album.id);
    expect(answer.link_paged).toEqual(assets);
    expect(answer.removed).toEqual({ status: 200, json: {} });
    expect(answer.not_in_album).toEqual([assets[1], assets[0]]);
    expect(albumResponse.parse(answer.after_remove.json)).toMatchObject({
      asset_count: 1,
      album_cover_asset_id: assets[2],
    });
    expect(answer.bad_cover).toMatchObject({ status: 422, error: 'UnprocessableEntityError' });
    expect(errorResponse.parse(answer.bad_cover.body).detail).toBe('album_cover_asset_id: not an asset in this album');
    expect(answer.too_many).toMatchObject({ status: 422 });
    expect(answer.contradiction).toMatchObject({ status: 422 });
    expect(answer.deleted).toEqual({ status: 200, json: {} });
    expect(answer.gone).toMatchObject({ status: 404, error: 'NotFoundError' });
    expect([...answer.photos_left].sort()).toEqual([...assets].sort());
  });

  it('album_assets.get answers one link; people.list(album_id=…) is accepted', async () => {
    const { target, assets } = await userWithPhotos();
    const answer = await runSdk(
      target,
      `${RAW}
album = client.albums.create(name="One")
client.albums.assets_associations.add(album.id, asset_ids=ARGS["assets"][:1])
link = client.album_assets.list(asset_id=ARGS["assets"][0]).data[0]
emit({
    "link": raw(lambda: client.album_assets.with_raw_response.get(link.id)),
    "people": raw(lambda: client.people.with_raw_response.list(album_id=album.id)),
    "missing": api_error(lambda: client.album_assets.get("album_asset_2222222222222222222222")),
})`,
      { assets },
    );
    expect(albumAssetResponse.parse(answer.link.json).asset_id).toBe(assets[0]);
    expect(answer.people.json).toEqual({ data: [], has_more: false });
    expect(answer.missing).toMatchObject({ status: 404 });
  });
});
