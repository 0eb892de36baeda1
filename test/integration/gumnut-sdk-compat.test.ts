import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { z } from 'zod';
import { assetListResponse, assetResponse, errorResponse, existResponse } from '#functions/api/routes/asset-outputs.ts';
import { api } from '#test/helpers/api.ts';
import { describeWithSdk, runSdk, type SdkTarget } from '#test/helpers/gumnut-sdk.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { b64, hasSamples, newKey, SAMPLES_DIR } from '#test/helpers/uploads.ts';

// Gumnut's own Python SDK (0.159.0) against the local stack, strict response validation on: every
// SDK call that maps to a Darkroom asset route, asserting the values that come back.

const stack = useLocalStack();
const files = mkdtempSync(join(tmpdir(), 'sdk-files-'));
afterAll(() => rmSync(files, { recursive: true, force: true }));

const VIDEO = join(SAMPLES_DIR, 'video', 'h264-imovie.mp4');
const IMAGES = 7;

let alice: SdkTarget;
let bob: SdkTarget;
let holidays = '';
let defaultLibrary = '';
/** What alice uploaded: path, bytes' checksums, the asset id, the library. */
type Uploaded = { path: string; sha256: string; sha1: string; id: string; library: string; local: string };
const uploaded: Uploaded[] = [];
const uploadedOf = (path: string, asset: z.infer<typeof assetResponse>): Uploaded => ({
  path,
  sha256: asset.checksum ?? '',
  sha1: asset.checksum_sha1 ?? '',
  id: asset.id,
  library: asset.library_id,
  local: asset.local_datetime,
});

/** Uploads a file with the SDK (naive datetimes, as Python sends a `datetime` without tzinfo). */
const CREATE = `
import datetime
raw = client.assets.with_raw_response.create(
    asset_data=open(ARGS["path"], "rb"),
    device_asset_id=ARGS["device_asset_id"],
    device_id="sdk-phone",
    file_created_at=datetime.datetime.fromisoformat(ARGS["created"]),
    file_modified_at=datetime.datetime.fromisoformat(ARGS["created"]),
    **({"library_id": ARGS["library_id"]} if ARGS.get("library_id") else {}),
)
asset = raw.parse()
emit({"status": raw.status_code, "asset": asset, "json": raw.json()})
`;

const writeFile = (name: string, bytes: Buffer) => {
  const path = join(files, name);
  writeFileSync(path, bytes);
  return path;
};

/** Capture times without EXIF: the naive file_created_at, one day apart. */
const naiveAt = (i: number) => `2021-05-${String(i + 1).padStart(2, '0')}T07:08:09`;

beforeAll(async () => {
  alice = { baseUrl: stack().apiUrl, apiKey: await newKey() };
  bob = { baseUrl: stack().apiUrl, apiKey: await newKey() };
  const client = api(stack().apiUrl, alice.apiKey);
  defaultLibrary = (await client.get('/api/libraries')).body[0].id;
  holidays = (await client.post('/api/libraries', { name: 'Holidays' })).body.id;
});

describeWithSdk('the Gumnut SDK against Darkroom', () => {
  it('uploads with assets.create: 201, checksums of the bytes, naive datetimes as UTC, both shapes', async () => {
    for (let i = 0; i < IMAGES; i++) {
      const bytes = await uniquePng(4000 + i);
      const path = writeFile(`photo-${i}.png`, bytes);
      const library = i < 2 ? holidays : undefined;
      const answer = await runSdk(alice, CREATE, {
        path,
        device_asset_id: `IMG_${i}`,
        created: naiveAt(i),
        ...(library && { library_id: library }),
      });
      expect(answer.status).toBe(201);
      const asset = assetResponse.parse(answer.json);
      expect(asset.checksum).toBe(b64('sha256', bytes));
      expect(asset.checksum_sha1).toBe(b64('sha1', bytes));
      expect(asset.library_id).toBe(library ?? defaultLibrary);
      expect(asset.file_created_at).toBe(`${naiveAt(i)}Z`);
      expect(asset.local_datetime).toBe(`${naiveAt(i)}Z`);
      expect(asset.kind).toBe('original');
      expect(asset.current_version_id).toBe(`asset_version_${asset.id.slice('asset_'.length)}`);
      // Without include: the lean rung only, no metadata or file_data.
      expect(Object.keys(asset.asset_urls)).toEqual(['thumbnail']);
      expect(asset.metadata).toBeNull();
      expect(asset.file_data).toBeNull();
      // The SDK parsed the same values (its datetimes as datetimes).
      expect(answer.asset.id).toBe(asset.id);
      expect(answer.asset.kind).toBe('original');
      expect(answer.asset.local_datetime).toBe(`${naiveAt(i)}Z`);
      uploaded.push(uploadedOf(path, asset));
    }
  });

  it('answers an upload of the same bytes into the same library with 200 and the first asset', async () => {
    const first = uploaded[3] as Uploaded;
    const again = await runSdk(alice, CREATE, { path: first.path, device_asset_id: 'IMG_again', created: naiveAt(3) });
    expect(again.status).toBe(200);
    expect(again.asset.id).toBe(first.id);
    // The same bytes in another library are a new asset there.
    const elsewhere = await runSdk(alice, CREATE, {
      path: first.path,
      device_asset_id: 'IMG_copy',
      created: naiveAt(3),
      library_id: holidays,
    });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.asset.id).not.toBe(first.id);
    uploaded.push({ ...first, id: elsewhere.asset.id, library: holidays });
  });

  it.skipIf(!hasSamples)('uploads a video: thumbnail_image, preview_image and original, and a duration', async () => {
    const answer = await runSdk(alice, CREATE, { path: VIDEO, device_asset_id: 'VID_1', created: naiveAt(20) });
    expect(answer.status).toBe(201);
    const full = await runSdk(
      alice,
      'emit(checked(client.assets.with_raw_response.retrieve(ARGS["id"], include=["variants", "file_data"])))',
      { id: answer.asset.id },
    );
    const video = assetResponse.parse(full.json);
    expect(video.mime_type).toBe('video/mp4');
    expect(video.duration).toBeGreaterThan(0);
    expect(Object.keys(video.asset_urls).sort()).toEqual(['original', 'preview_image', 'thumbnail_image']);
    expect(video.asset_urls.original?.mimetype).toBe('video/mp4');
    expect(Object.keys(answer.asset.asset_urls)).toEqual(['thumbnail_image']);
    uploaded.push(uploadedOf(VIDEO, video));
  });

  it('retrieves with include: metadata, file_data and every rung, each URL serving what it names', async () => {
    const first = uploaded[0] as Uploaded;
    const answer = await runSdk(
      alice,
      `emit({
  "lean": checked(client.assets.with_raw_response.retrieve(ARGS["id"])),
  "full": checked(client.assets.with_raw_response.retrieve(ARGS["id"], include=["metadata", "file_data", "variants"])),
  "comma": checked(client.assets.with_raw_response.retrieve(ARGS["id"], include=["metadata,file_data"])),
  "nonsense": api_error(lambda: client.assets.retrieve(ARGS["id"], include=["nonsense"])),
})`,
      { id: first.id },
    );
    const lean = assetResponse.parse(answer.lean.json);
    const full = assetResponse.parse(answer.full.json);
    expect(lean.metadata).toBeNull();
    expect(lean.file_data).toBeNull();
    expect(full.id).toBe(first.id);
    expect(full.file_data).toEqual({
      checksum: first.sha256,
      checksum_sha1: first.sha1,
      device_asset_id: 'IMG_0',
      device_id: 'sdk-phone',
      file_created_at: `${naiveAt(0)}Z`,
      file_modified_at: `${naiveAt(0)}Z`,
      file_size_bytes: full.file_size_bytes,
    });
    expect(full.metadata).toMatchObject({ ...full.exif, display_label: null, raw_width: 8, raw_height: 8 });
    expect(Object.keys(full.asset_urls).sort()).toEqual(['original', 'preview', 'thumbnail']);
    const served = async (url: string) => {
      const res = await fetch(url);
      expect(res.status, url).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    expect(b64('sha256', await served(full.asset_urls.original?.url ?? ''))).toBe(first.sha256);
    expect(full.asset_urls.original).toMatchObject({ mimetype: 'image/png', width: 8 });
    expect(full.asset_urls.preview?.width).toBe(8);
    expect(full.asset_urls.thumbnail?.width).toBe(8);
    expect((await served(full.asset_urls.thumbnail?.url ?? '')).subarray(8, 12).toString()).toBe('WEBP');
    expect((await served(full.asset_urls.preview?.url ?? '')).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(assetResponse.parse(answer.comma.json).file_data?.checksum).toBe(first.sha256);
    expect(answer.nonsense.status).toBe(422);
    expect(errorResponse.parse(answer.nonsense.body).detail).toMatch(/^query parameter include/);
  });

  it('lists with the iterator: every asset once, newest first, across pages of 3', async () => {
    const answer = await runSdk(
      alice,
      `pages = client.assets.list(limit=3)
ids = [a.id for a in pages]
emit({"ids": ids, "first": checked(client.assets.with_raw_response.list(limit=3, include=["metadata"]))})`,
    );
    const expected = [...uploaded].sort((a, b) => (`${a.local}#${a.id}` < `${b.local}#${b.id}` ? 1 : -1));
    expect(answer.ids).toEqual(expected.map((a) => a.id));
    const first = assetListResponse.parse(answer.first.json);
    expect(first.data.map((a) => a.id)).toEqual(answer.ids.slice(0, 3));
    expect(first.has_more).toBe(true);
    for (const asset of first.data) expect(asset.metadata?.asset_id).toBe(asset.id);
  });

  it('lists by library, ids, media type, dates, order and state', async () => {
    const images = uploaded.filter((a) => a.path !== VIDEO);
    const answer = await runSdk(
      alice,
      `import datetime
ids = lambda page: [a.id for a in page]
emit({
  "holidays": ids(client.assets.list(library_id=ARGS["holidays"], limit=200)),
  "default": ids(client.assets.list(library_id=ARGS["default"], limit=200)),
  "by_ids": ids(client.assets.list(ids=ARGS["some"], order="asc", limit=200)),
  "by_ids_paged": ids(client.assets.list(ids=ARGS["some"], order="asc", limit=1)),
  "by_ids_in_holidays": ids(client.assets.list(ids=ARGS["some"], library_id=ARGS["holidays"], limit=200)),
  "images": ids(client.assets.list(media_type="image", limit=2)),
  "images_in_holidays": ids(client.assets.list(media_type="image", library_id=ARGS["holidays"], limit=200)),
  "videos": ids(client.assets.list(media_type="video", limit=200)),
  "between": ids(client.assets.list(
      local_datetime_after=datetime.datetime.fromisoformat(ARGS["after"]),
      local_datetime_before=datetime.datetime.fromisoformat(ARGS["before"]),
      order="asc", limit=200)),
  "asc": ids(client.assets.list(order="asc", limit=200)),
  "all": ids(client.assets.list(state="all", limit=200)),
  "trashed": ids(client.assets.list(state="trashed", limit=200)),
  "album": api_error(lambda: client.assets.list(album_id="album_x")),
  "too_many_ids": api_error(lambda: client.assets.list(ids=["asset_2222222222222222222222"] * 201)),
})`,
      {
        holidays,
        default: defaultLibrary,
        some: [uploaded[0]?.id, uploaded[4]?.id, uploaded[5]?.id, 'asset_2222222222222222222222'],
        after: naiveAt(1),
        before: naiveAt(5),
      },
    );
    const newestFirst = (list: Uploaded[]) =>
      [...list].sort((a, b) => (`${a.local}#${a.id}` < `${b.local}#${b.id}` ? 1 : -1)).map((a) => a.id);
    expect(answer.holidays).toEqual(newestFirst(uploaded.filter((a) => a.library === holidays)));
    expect(answer.default).toEqual(newestFirst(uploaded.filter((a) => a.library === defaultLibrary)));
    const some = [uploaded[0], uploaded[4], uploaded[5]] as Uploaded[];
    expect(answer.by_ids).toEqual(newestFirst(some).reverse());
    expect(answer.by_ids_paged).toEqual(answer.by_ids);
    expect(answer.by_ids_in_holidays).toEqual([uploaded[0]?.id]);
    expect(answer.images).toEqual(newestFirst(images));
    expect(answer.images_in_holidays).toEqual(newestFirst(images.filter((a) => a.library === holidays)));
    expect(answer.videos).toEqual(hasSamples ? [uploaded.find((a) => a.path === VIDEO)?.id] : []);
    expect(answer.between).toEqual(
      newestFirst(uploaded.filter((a) => a.local > `${naiveAt(1)}Z` && a.local < `${naiveAt(5)}Z`)).reverse(),
    );
    expect(answer.asc).toEqual(newestFirst(uploaded).reverse());
    expect(answer.all).toEqual(newestFirst(uploaded));
    expect(answer.trashed).toEqual([]);
    expect(answer.album.status).toBe(422);
    expect(answer.album.body.detail).toMatch(/^query parameter album_id: must be an album id/);
    expect(answer.too_many_ids.status).toBe(422);
    expect(answer.too_many_ids.body.detail).toMatch(/^query parameter ids/);
  });

  it('finds assets with check_existence by every key, within library_id when given', async () => {
    const inHolidays = uploaded[0] as Uploaded;
    const inDefault = uploaded[2] as Uploaded;
    const answer = await runSdk(
      alice,
      `ids = lambda r: sorted(a.id for a in r.assets)
emit({
  "checksums": checked(client.assets.with_raw_response.check_existence(checksums=[ARGS["a"]["sha256"], ARGS["b"]["sha256"]])),
  "sha1s": ids(client.assets.check_existence(checksum_sha1s=[ARGS["a"]["sha1"], ARGS["b"]["sha1"]])),
  "device": ids(client.assets.check_existence(device_id="sdk-phone", device_asset_ids=["IMG_0", "IMG_2"])),
  "in_holidays": ids(client.assets.check_existence(checksums=[ARGS["a"]["sha256"], ARGS["b"]["sha256"]], library_id=ARGS["holidays"])),
  "in_default": ids(client.assets.check_existence(checksum_sha1s=[ARGS["a"]["sha1"], ARGS["b"]["sha1"]], library_id=ARGS["default"])),
  "device_in_default": ids(client.assets.check_existence(device_id="sdk-phone", device_asset_ids=["IMG_0", "IMG_2"], library_id=ARGS["default"])),
  "none": ids(client.assets.check_existence(checksums=["A" * 43 + "="])),
  "foreign_library": api_error(lambda: client.assets.check_existence(checksums=[ARGS["a"]["sha256"]], library_id="lib_2222222222222222222222")),
})`,
      { a: inHolidays, b: inDefault, holidays, default: defaultLibrary },
    );
    const lite = existResponse.parse(answer.checksums.json);
    expect(lite.assets.map((a) => a.id).sort()).toEqual([inHolidays.id, inDefault.id].sort());
    expect(lite.assets.find((a) => a.id === inDefault.id)).toEqual({
      id: inDefault.id,
      checksum: inDefault.sha256,
      checksum_sha1: inDefault.sha1,
      device_asset_id: 'IMG_2',
      device_id: 'sdk-phone',
    });
    expect(answer.sha1s).toEqual([inHolidays.id, inDefault.id].sort());
    expect(answer.device).toEqual([inHolidays.id, inDefault.id].sort());
    expect(answer.in_holidays).toEqual([inHolidays.id]);
    expect(answer.in_default).toEqual([inDefault.id]);
    expect(answer.device_in_default).toEqual([inDefault.id]);
    expect(answer.none).toEqual([]);
    expect(answer.foreign_library.status).toBe(404);
  });

  it("answers another user's asset as it answers a missing one: 404 with a detail, and lists none of it", async () => {
    const mine = uploaded[1] as Uploaded;
    const answer = await runSdk(
      bob,
      `emit({
  "retrieve": api_error(lambda: client.assets.retrieve(ARGS["id"])),
  "missing": api_error(lambda: client.assets.retrieve("asset_2222222222222222222222")),
  "delete": api_error(lambda: client.assets.delete(ARGS["id"])),
  "list": [a.id for a in client.assets.list(limit=200)],
  "by_id": [a.id for a in client.assets.list(ids=[ARGS["id"]])],
  "exist": [a.id for a in client.assets.check_existence(checksums=[ARGS["sha256"]]).assets],
  "library": api_error(lambda: client.assets.list(library_id=ARGS["library"])),
  "upload_there": api_error(lambda: client.assets.create(asset_data=open(ARGS["path"], "rb"), device_asset_id="b",
      device_id="bob-phone", file_created_at="2021-01-01T00:00:00Z", file_modified_at="2021-01-01T00:00:00Z",
      library_id=ARGS["library"])),
})`,
      { id: mine.id, sha256: mine.sha256, library: mine.library, path: mine.path },
    );
    expect(answer.retrieve).toEqual({ status: 404, body: { detail: 'asset not found' }, error: 'NotFoundError' });
    expect(answer.missing).toEqual(answer.retrieve);
    expect(answer.delete).toEqual(answer.retrieve);
    expect(answer.list).toEqual([]);
    expect(answer.by_id).toEqual([]);
    expect(answer.exist).toEqual([]);
    expect(answer.library.status).toBe(404);
    expect(answer.upload_there.status).toBe(404);
  });

  it('answers the error shapes the SDK maps: 401, 422 naming the field, 404 for routes not offered', async () => {
    const answer = await runSdk(
      { ...alice, apiKey: 'dk_revoked-or-never-was' },
      'emit(api_error(lambda: client.assets.list()))',
    );
    expect(answer.status).toBe(401);
    expect(errorResponse.parse(answer.body).detail).toMatch(/key/);
    const refused = await runSdk(
      alice,
      `emit({
  "date": api_error(lambda: client.assets.create(asset_data=open(ARGS["path"], "rb"), device_asset_id="x", device_id="y", file_created_at="yesterday", file_modified_at="2021-01-01T00:00:00")),
  "limit": api_error(lambda: client.assets.list(limit=500)),
  "stacks": api_error(lambda: client.stacks.list_stacks()),
  "stack": api_error(lambda: client.stacks.retrieve_stack("asset_stack_x")),
  "versions": api_error(lambda: client.assets.versions.list(ARGS["id"])),
  "search": api_error(lambda: client.search.search(query="dogs")),
  "counts": api_error(lambda: client.assets.counts(group_by="year")),
})`,
      { path: uploaded[0]?.path, id: uploaded[0]?.id },
    );
    expect(refused.date.status).toBe(422);
    expect(refused.date.body.detail).toMatch(/^file_created_at/);
    expect(refused.limit.status).toBe(422);
    expect(refused.limit.body.detail).toMatch(/^query parameter limit/);
    // Counts are offered (gumnut-sdk-counts.test.ts); only a month's grouping.
    expect(refused.counts.status).toBe(422);
    expect(refused.counts.body.detail).toMatch(/^query parameter group_by/);
    for (const [name, detail] of [
      ['stacks', 'stacks are not offered by Darkroom'],
      ['stack', 'stacks are not offered by Darkroom'],
      ['versions', 'asset versions are not offered by Darkroom'],
      ['search', 'search is not offered by Darkroom'],
    ] as const) {
      expect(refused[name], name).toEqual({ status: 404, body: { detail }, error: 'NotFoundError' });
    }
  });

  it('deletes with assets.delete: {} and then 404, gone from list and check_existence', async () => {
    const doomed = uploaded.pop() as Uploaded;
    const answer = await runSdk(
      alice,
      `emit({
  "delete": client.assets.delete(ARGS["id"]),
  "retrieve": api_error(lambda: client.assets.retrieve(ARGS["id"])),
  "again": api_error(lambda: client.assets.delete(ARGS["id"])),
  "listed": ARGS["id"] in [a.id for a in client.assets.list(limit=200)],
  "exist": [a.id for a in client.assets.check_existence(checksums=[ARGS["sha256"]], library_id=ARGS["library"]).assets],
})`,
      { id: doomed.id, sha256: doomed.sha256, library: doomed.library },
    );
    expect(answer.delete).toEqual({});
    expect(answer.retrieve.status).toBe(404);
    expect(answer.again.status).toBe(404);
    expect(answer.listed).toBe(false);
    expect(answer.exist).toEqual([]);
  });
});
