import { describe, expect, it } from 'vitest';
import { assetCountsResponse, assetListResponse } from '#functions/api/routes/asset-outputs.ts';
import type { FeedStreamHandler } from '#functions/feed/create-handler.ts';
import { createClients } from '#shared/aws/clients.ts';
import { DynamoCounters } from '#shared/table/dynamo-counters.ts';
import { api } from '#test/helpers/api.ts';
import { readFeed } from '#test/helpers/feed.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

// GET /api/assets/counts through the local stack, held to GET /api/assets with the same filters:
// the month buckets of what the listing shows. The counters follow the change feed, which trails
// the API's writes (the local stream feeds the writer after the write has answered, as on AWS),
// so each check first waits for the stream to drain, as the feed's own tests do.

/** When on, every batch is written twice over and reported failed once, so the stream delivers it again. */
const retries = { on: false, reported: 0 };
const retried =
  (writer: FeedStreamHandler): FeedStreamHandler =>
  async (event) => {
    if (!retries.on) return writer(event);
    await writer(event);
    const result = await writer(event);
    if (retries.reported++ % 2 === 1) return result;
    return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })) };
  };

const stack = useLocalStack({ wrapFeedWriter: retried, feedRetryDelayMs: 5 });

type Client = ReturnType<typeof api>;
type Months = [string, number][];
let seed = 12_000;

const user = async () => {
  const key = await newKey();
  const client = api(stack().apiUrl, key);
  const library: string = (await client.get('/api/libraries')).body[0].id;
  /** A PNG (no EXIF: its capture time is file_created_at) taken at `at`. */
  const photo = async (at: string, libraryId = library) => {
    const res = await directUpload(
      stack().apiUrl,
      key,
      await uniquePng(seed++),
      'p.png',
      deviceMetadata({ file_created_at: at, library_id: libraryId }),
    );
    expect(res.status).toBe(201);
    expect(res.body.state).toBe('ready');
    return res.body.id as string;
  };
  return { key, client, library, photo };
};

const counted = async (client: Client, query: string): Promise<Months> => {
  await stack().stream.drained();
  const res = await client.get(`/api/assets/counts?limit=200${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return assetCountsResponse.parse(res.body).data.map((d) => [d.time_bucket.slice(0, 7), d.count]);
};

/** Every page of the listing with the same filters, counted per month of local_datetime. */
const listedByMonth = async (client: Client, query: string): Promise<Months> => {
  const months = new Map<string, number>();
  for (let after = ''; ; ) {
    const res = await client.get(`/api/assets?limit=200${query}${after && `&starting_after_id=${after}`}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const page = assetListResponse.parse(res.body);
    for (const a of page.data)
      months.set(a.local_datetime.slice(0, 7), (months.get(a.local_datetime.slice(0, 7)) ?? 0) + 1);
    if (!page.has_more) break;
    after = page.data.at(-1)?.id ?? '';
  }
  return [...months].sort(([a], [b]) => (a < b ? 1 : -1));
};

/** Counts and listing agree in every state; answers the live counts. */
const agree = async (client: Client, library: string, query = ''): Promise<Record<string, Months>> => {
  const answers: Record<string, Months> = {};
  for (const state of ['live', 'trashed', 'all']) {
    const filters = `&library_id=${library}&state=${state}${query}`;
    answers[state] = await counted(client, filters);
    expect(answers[state], `${state}${query}`).toEqual(await listedByMonth(client, filters));
  }
  return answers;
};

describe('asset counts per month', () => {
  it('agree with the listing through uploads in several months, capture-time edits, trash, restore and deletes', async () => {
    const { key, client, library, photo } = await user();
    const a = await photo('2021-01-15T10:00:00Z');
    await photo('2021-01-31T23:59:59.999Z');
    const c = await photo('2021-02-01T00:00:00Z');
    const d = await photo('2021-03-10T08:00:00Z');
    const e = await photo('2021-03-10T09:00:00Z');
    const f = await photo('2022-07-04T12:00:00Z');
    await photo('2019-12-31T23:59:59Z');
    // An upload still waiting for its bytes, and the same bytes again: neither counts.
    const pending = await client.post('/api/assets/uploads', {
      ...deviceMetadata({ file_created_at: '2021-01-20T00:00:00Z' }),
      file_name: 'w.jpg',
      mime_type: 'image/jpeg',
      file_size_bytes: 1000,
    });
    expect(pending.status).toBe(201);
    const again = await directUpload(stack().apiUrl, key, await uniquePng(seed - 7), 'p.png', deviceMetadata());
    expect(again.status).toBe(200);
    expect((await agree(client, library)).live).toEqual([
      ['2022-07', 1],
      ['2021-03', 2],
      ['2021-02', 1],
      ['2021-01', 2],
      ['2019-12', 1],
    ]);

    expect((await client.patch(`/api/assets/${d}`, { original_datetime: '2020-06-01T00:00:00' })).status).toBe(200);
    expect((await agree(client, library)).live).toContainEqual(['2020-06', 1]);
    expect((await client.post('/api/assets/trash', { ids: [a, c] })).status).toBe(200);
    const trashed = await agree(client, library);
    expect(trashed.trashed).toEqual([
      ['2021-02', 1],
      ['2021-01', 1],
    ]);
    expect(trashed.live).toEqual([
      ['2022-07', 1],
      ['2021-03', 1],
      ['2021-01', 1],
      ['2020-06', 1],
      ['2019-12', 1],
    ]);
    await client.post('/api/assets/restore', { ids: [c] });
    await agree(client, library);
    expect((await client.delete(`/api/assets/${e}`)).status).toBe(200);
    expect((await client.delete('/api/assets', { ids: [f] })).status).toBe(200);
    await client.post('/api/assets/empty-trash');
    const final = await agree(client, library);
    expect(final.live).toEqual([
      ['2021-02', 1],
      ['2021-01', 1],
      ['2020-06', 1],
      ['2019-12', 1],
    ]);
    expect(final.trashed).toEqual([]);
    // An edit that keeps the month moves nothing; one back to the file's time moves it back.
    await client.patch(`/api/assets/${d}`, { original_datetime: '2020-06-02T00:00:00' });
    await client.patch(`/api/assets/${d}`, { original_datetime: null });
    expect((await agree(client, library)).live).toEqual([
      ['2021-03', 1],
      ['2021-02', 1],
      ['2021-01', 1],
      ['2019-12', 1],
    ]);
  });

  it('count the default library without library_id, another with it', async () => {
    const { client, library, photo } = await user();
    await photo('2021-05-05T00:00:00Z');
    const other = (await client.post('/api/libraries', { name: 'Other' })).body.id as string;
    await photo('2020-05-05T00:00:00Z', other);
    await photo('2020-05-06T00:00:00Z', other);
    expect(await counted(client, '')).toEqual([['2021-05', 1]]);
    expect(await counted(client, `&library_id=${library}`)).toEqual([['2021-05', 1]]);
    expect(await counted(client, `&library_id=${other}`)).toEqual([['2020-05', 2]]);
  });

  it('date bounds inside months and on their edges count what the listing shows, trash included', async () => {
    const { client, library, photo } = await user();
    const times = [
      '2021-01-01T00:00:00Z',
      '2021-01-15T10:00:00Z',
      '2021-01-31T23:59:59.999Z',
      '2021-02-01T00:00:00Z',
      '2021-02-14T12:00:00Z',
      '2021-03-10T08:00:00Z',
      '2021-03-31T23:00:00Z',
      '2021-05-01T00:00:00Z',
    ];
    const ids = [];
    for (const at of times) ids.push(await photo(at));
    await client.post('/api/assets/trash', { ids: [ids[1], ids[4], ids[6]] });
    const bounds = [
      ...times,
      '2021-01-31T23:59:59.998Z',
      '2021-02-01T00:00:00.001Z',
      '2021-03-01T00:00:00Z',
      '2020-12-31T00:00:00Z',
      '2021-02-20T00:00:00+05:00',
      '2021-02-20T00:00:00',
    ];
    for (const after of bounds) await agree(client, library, `&local_datetime_after=${encodeURIComponent(after)}`);
    for (const before of bounds) await agree(client, library, `&local_datetime_before=${encodeURIComponent(before)}`);
    for (const [after, before] of [
      ['2021-01-15T10:00:00Z', '2021-01-31T23:59:59.999Z'],
      ['2021-01-01T00:00:00Z', '2021-02-01T00:00:00Z'],
      ['2021-01-10T00:00:00Z', '2021-03-31T23:00:00Z'],
      ['2020-12-31T23:59:59.999Z', '2021-03-01T00:00:00Z'],
      ['2021-02-14T12:00:00Z', '2021-02-14T12:00:00Z'],
      ['2021-03-01T00:00:00Z', '2021-01-01T00:00:00Z'],
    ] as const) {
      await agree(client, library, `&local_datetime_after=${after}&local_datetime_before=${before}`);
    }
    expect(
      await counted(client, '&local_datetime_after=2021-01-15T10:00:00Z&local_datetime_before=2021-03-31T23:00:00Z'),
    ).toEqual([
      ['2021-03', 1],
      ['2021-02', 1],
      ['2021-01', 1],
    ]);
  });

  it('pages newest first by limit; the next page asks before the last time_bucket', async () => {
    const { client, photo } = await user();
    for (const month of ['01', '02', '03', '04', '05']) await photo(`2021-${month}-10T00:00:00Z`);
    await photo('2021-05-11T00:00:00Z');
    await stack().stream.drained();
    const pages: unknown[][] = [];
    let before = '';
    for (;;) {
      const res = await client.get(`/api/assets/counts?limit=2${before && `&local_datetime_before=${before}`}`);
      const page = assetCountsResponse.parse(res.body);
      pages.push(page.data);
      if (!page.has_more) break;
      before = page.data.at(-1)?.time_bucket ?? '';
    }
    expect(pages).toEqual([
      [
        { count: 2, time_bucket: '2021-05-01T00:00:00Z' },
        { count: 1, time_bucket: '2021-04-01T00:00:00Z' },
      ],
      [
        { count: 1, time_bucket: '2021-03-01T00:00:00Z' },
        { count: 1, time_bucket: '2021-02-01T00:00:00Z' },
      ],
      [{ count: 1, time_bucket: '2021-01-01T00:00:00Z' }],
    ]);
  });

  it('album and people filters count what the listing shows with them', async () => {
    const { client, library, photo } = await user();
    const ids: string[] = [];
    for (const at of [
      '2021-01-05T00:00:00Z',
      '2021-01-20T00:00:00Z',
      '2021-02-05T00:00:00Z',
      '2021-03-05T00:00:00Z',
      '2021-03-06T00:00:00Z',
      '2021-04-05T00:00:00Z',
    ])
      ids.push(await photo(at));
    const [p0, p1, p2, p3, p4] = ids as [string, string, string, string, string];
    const album = (await client.post('/api/albums', { name: 'Trip' })).body.id as string;
    await client.post(`/api/albums/${album}/assets`, { asset_ids: [p0, p2, p3] });
    const other = (await client.post('/api/albums', { name: 'Other' })).body.id as string;
    await client.post(`/api/albums/${other}/assets`, { asset_ids: [p4] });
    const ada = (await client.post('/api/people', { name: 'Ada' })).body.id as string;
    const bob = (await client.post('/api/people', { name: 'Bob' })).body.id as string;
    const face = async (asset: string, person: string) =>
      expect(
        (
          await client.post('/api/faces', {
            asset_id: asset,
            bounding_box: { x: 0, y: 0, w: 4, h: 4 },
            person_id: person,
          })
        ).status,
      ).toBe(201);
    for (const id of [p0, p1, p3, p4]) await face(id, ada);
    for (const id of [p1, p3]) await face(id, bob);
    await client.post('/api/assets/trash', { ids: [p3] });
    for (const query of [
      `&album_id=${album}`,
      `&album_id=${album}&album_filter=in_album`,
      '&album_filter=in_album',
      '&album_filter=not_in_album',
      `&person_ids=${ada}`,
      `&person_ids=${ada},${bob}`,
      `&person_ids=${ada}&person_ids=${bob}`,
      `&person_ids=${ada}&album_filter=not_in_album`,
      `&person_ids=${ada}&album_filter=in_album`,
      `&person_ids=${ada}&album_id=${album}`,
      `&album_filter=not_in_album&local_datetime_after=2021-01-10T00:00:00Z`,
      `&album_id=${album}&local_datetime_before=2021-03-05T12:00:00Z`,
    ]) {
      await agree(client, library, query);
    }
    expect(await counted(client, `&person_id=${bob}`)).toEqual(await counted(client, `&person_ids=${bob}`));
    expect(await counted(client, `&person_ids=${ada},${bob}&state=all`)).toEqual([
      ['2021-03', 1],
      ['2021-01', 1],
    ]);
    // Without library_id: the album's library.
    expect(await counted(client, `&album_id=${album}`)).toEqual([
      ['2021-02', 1],
      ['2021-01', 1],
    ]);
  });

  it('refuses what it cannot count with 422 naming the parameter, and someone else’s library with 404', async () => {
    const { client } = await user();
    const album = (await client.post('/api/albums', { name: 'x' })).body.id as string;
    const person = (await client.post('/api/people', { name: 'x' })).body.id as string;
    for (const [query, detail] of [
      ['group_by=year', /^query parameter group_by/],
      ['limit=0', /^query parameter limit/],
      ['limit=201', /^query parameter limit/],
      [`album_id=${album}&album_filter=not_in_album`, /^album_filter: not_in_album contradicts album_id/],
      [`person_id=${person}&person_ids=${person}`, /^query parameter person_id/],
      ['state=gone', /^query parameter state/],
      ['local_datetime_after=yesterday', /^query parameter local_datetime_after/],
      ['order=asc', /^query parameter order: unknown/],
    ] as const) {
      const res = await client.get(`/api/assets/counts?${query}`);
      expect({ status: res.status, detail: res.body.detail }, query).toEqual({
        status: 422,
        detail: expect.stringMatching(detail),
      });
    }
    expect((await client.get('/api/assets/counts?group_by=month')).status).toBe(200);
    const theirs = (await api(stack().apiUrl, (await user()).key).get('/api/libraries')).body[0].id;
    expect((await client.get(`/api/assets/counts?library_id=${theirs}`)).status).toBe(404);
  });

  it('stay exact when the stream delivers every batch again and the writer writes it twice over', async () => {
    const { key, client, library, photo } = await user();
    retries.on = true;
    try {
      const ids = [];
      for (const at of ['2021-06-01T00:00:00Z', '2021-06-15T00:00:00Z', '2021-07-01T00:00:00Z'])
        ids.push(await photo(at));
      await client.post('/api/assets/trash', { ids: [ids[0]] });
      await client.patch(`/api/assets/${ids[2]}`, { original_datetime: '2021-06-20T00:00:00' });
      await client.delete(`/api/assets/${ids[1]}`);
      await stack().stream.drained();
      expect(retries.reported).toBeGreaterThan(0);
    } finally {
      retries.on = false;
    }
    // Before any read of the counts: the feed writer advanced the counters itself, to the feed's last entry.
    const owner = (await client.get('/api/users/me')).body.id as string;
    const { dynamo } = createClients(stack().config);
    const counters = await new DynamoCounters(dynamo, stack().config.TABLE_NAME).read(owner);
    const feed = await readFeed(stack().apiUrl, key);
    expect(counters.appliedOrdinal).toBe(feed.length);
    expect(Object.values(counters.counts)).toEqual([1, 1]);
    const answers = await agree(client, library);
    expect(answers.live).toEqual([['2021-06', 1]]);
    expect(answers.trashed).toEqual([['2021-06', 1]]);
    // The moves stay on the entries: the public feed has the SDK's fields only.
    for (const event of feed)
      expect(Object.keys(event).sort()).toEqual([
        'created_at',
        'cursor',
        'entity_id',
        'entity_type',
        'event_type',
        'payload',
      ]);
  });
});
