import { expect, it } from 'vitest';
import { assetCountsResponse } from '#functions/api/routes/asset-outputs.ts';
import { api } from '#test/helpers/api.ts';
import { describeWithSdk, runSdk } from '#test/helpers/gumnut-sdk.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

// The SDK's assets.counts against the local stack, strict response validation on; each raw answer
// is also held to Darkroom's own schema.

const stack = useLocalStack();

describeWithSdk('asset counts through the Gumnut SDK', () => {
  it('assets.counts answers month buckets newest first, pages by local_datetime_before, and takes every filter', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const ids: string[] = [];
    for (const [i, at] of [
      '2021-01-10T09:00:00Z',
      '2021-02-10T09:00:00Z',
      '2021-02-20T09:00:00Z',
      '2021-04-01T00:00:00Z',
    ].entries()) {
      const res = await directUpload(
        stack().apiUrl,
        key,
        await uniquePng(13_000 + i),
        'p.png',
        deviceMetadata({ file_created_at: at }),
      );
      ids.push(res.body.id);
    }
    const library = (await client.get('/api/libraries')).body[0].id;
    const album = (await client.post('/api/albums', { name: 'Feb' })).body.id;
    await client.post(`/api/albums/${album}/assets`, { asset_ids: [ids[1], ids[2]] });
    const person = (await client.post('/api/people', { name: 'Ada' })).body.id;
    for (const asset of [ids[0], ids[2]])
      await client.post('/api/faces', { asset_id: asset, bounding_box: { x: 0, y: 0, w: 4, h: 4 }, person_id: person });
    await client.post('/api/assets/trash', { ids: [ids[3]] });
    await stack().stream.drained();

    const answer = await runSdk(
      { baseUrl: stack().apiUrl, apiKey: key },
      `
def buckets(page):
    return [[b.time_bucket.isoformat(), b.count] for b in page.data]
first = client.assets.counts(limit=1)
pages = [buckets(first)]
page = first
while page.has_more:
    page = client.assets.counts(limit=1, local_datetime_before=page.data[-1].time_bucket)
    pages.append(buckets(page))
emit({
    "raw": checked(client.assets.with_raw_response.counts(group_by="month", library_id=ARGS["library"])),
    "pages": pages,
    "trashed": buckets(client.assets.counts(state="trashed")),
    "all": buckets(client.assets.counts(state="all")),
    "after": buckets(client.assets.counts(local_datetime_after=datetime.datetime(2021, 2, 15))),
    "album": buckets(client.assets.counts(album_id=ARGS["album"])),
    "not_in_album": buckets(client.assets.counts(album_filter="not_in_album")),
    "person": buckets(client.assets.counts(person_ids=[ARGS["person"]])),
    "person_alias": buckets(client.assets.counts(person_id=ARGS["person"])),
    "contradiction": api_error(lambda: client.assets.counts(album_id=ARGS["album"], album_filter="not_in_album")),
    "limit": api_error(lambda: client.assets.counts(limit=0)),
    "missing": api_error(lambda: client.assets.counts(library_id="lib_2222222222222222222222")),
})`,
      { library, album, person },
    );
    expect(assetCountsResponse.parse(answer.raw.json)).toEqual({
      data: [
        { count: 2, time_bucket: '2021-02-01T00:00:00Z' },
        { count: 1, time_bucket: '2021-01-01T00:00:00Z' },
      ],
      has_more: false,
    });
    expect(answer.pages).toEqual([[['2021-02-01T00:00:00+00:00', 2]], [['2021-01-01T00:00:00+00:00', 1]]]);
    expect(answer.trashed).toEqual([['2021-04-01T00:00:00+00:00', 1]]);
    expect(answer.all).toEqual([
      ['2021-04-01T00:00:00+00:00', 1],
      ['2021-02-01T00:00:00+00:00', 2],
      ['2021-01-01T00:00:00+00:00', 1],
    ]);
    expect(answer.after).toEqual([['2021-02-01T00:00:00+00:00', 1]]);
    expect(answer.album).toEqual([['2021-02-01T00:00:00+00:00', 2]]);
    expect(answer.not_in_album).toEqual([['2021-01-01T00:00:00+00:00', 1]]);
    expect(answer.person).toEqual([
      ['2021-02-01T00:00:00+00:00', 1],
      ['2021-01-01T00:00:00+00:00', 1],
    ]);
    expect(answer.person_alias).toEqual(answer.person);
    expect(answer.contradiction).toMatchObject({ status: 422, error: 'UnprocessableEntityError' });
    expect(answer.limit).toMatchObject({ status: 422 });
    expect(answer.missing).toEqual({ status: 404, body: { detail: 'library not found' }, error: 'NotFoundError' });
  });
});
