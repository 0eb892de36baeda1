import { describe, expect, it } from 'vitest';
import { composeAssets } from '#functions/compose-assets.ts';
import type { FeedStreamHandler } from '#functions/feed/create-handler.ts';
import { reprocessObject } from '#shared/domain/reprocess.ts';
import { objectCreatedEvent } from '#shared/events/object-created.ts';
import { api } from '#test/helpers/api.ts';
import { type FeedEvent, readFeed, seeded } from '#test/helpers/feed.ts';
import { jpeg } from '#test/helpers/images.ts';
import { eventually, useLocalStack } from '#test/helpers/local-stack.ts';
import { directUpload, newKey, settled } from '#test/helpers/uploads.ts';

// The change feed through the local stack: the API's writes reach the table through the stream
// proxy, the local stream hands them to the real feed writer, GET /api/events reads the entries.
// The writer is wrapped so a test can make its invocations fail, before or after they wrote.

const faults = { rate: 0, when: 'after' as 'before' | 'after', injected: 0, random: seeded(16) };
const flaky =
  (writer: FeedStreamHandler): FeedStreamHandler =>
  async (event) => {
    const fail = faults.random() < faults.rate;
    if (fail && faults.when === 'before') {
      faults.injected++;
      throw new Error('injected before writing');
    }
    const result = await writer(event);
    if (!fail) return result;
    faults.injected++;
    // Written, but reported failed: the retry must find every entry already there.
    return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })) };
  };

const stack = useLocalStack({ wrapFeedWriter: flaky, feedRetryDelayMs: 5 });
const OPS = Number(process.env.DARKROOM_FEED_OPS ?? 40);

const settledFeed = async (key: string, query?: string) => {
  await stack().stream.drained();
  return readFeed(stack().apiUrl, key, query ? { query } : {});
};
const of = (events: FeedEvent[], id: string) => events.filter((e) => e.entity_id === id).map((e) => e.event_type);

describe('the change feed', () => {
  it('an upload, its processing, a reprocess and a delete appear in order as asset events', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const uploaded = await directUpload(stack().apiUrl, key, await jpeg({ color: '#123456' }), 'a.jpg');
    expect(uploaded.status).toBe(201);
    const id: string = uploaded.body.id;
    await settled(stack().apiUrl, key, id);
    const processed = of(await settledFeed(key, 'entity_types=asset'), id);
    expect(processed[0]).toBe('asset_created');
    expect(processed.slice(1).length).toBeGreaterThan(0);
    expect(new Set(processed.slice(1))).toEqual(new Set(['asset_updated']));

    const asset = await composeAssets(stack().config).assets.get(id);
    if (!asset) throw new Error('asset missing');
    stack().queue.send(
      JSON.stringify(objectCreatedEvent(reprocessObject(asset, stack().config.ORIGINALS_BUCKET, true))),
    );
    // The table shows the processor's write a moment before the stream has it (on AWS too), so
    // the test waits for the feed, not for the asset.
    const reprocessed = await eventually(async () => {
      const events = of(await settledFeed(key), id);
      return events.length > processed.length ? events : undefined;
    });
    expect(reprocessed.length).toBeGreaterThan(processed.length);
    expect(reprocessed.slice(processed.length).every((t) => t === 'asset_updated')).toBe(true);

    expect((await client.delete(`/api/assets/${id}`)).status).toBeLessThan(300);
    const deleted = of(await settledFeed(key), id);
    expect(deleted.at(-1)).toBe('asset_deleted');
    expect(deleted.filter((t) => t === 'asset_deleted')).toHaveLength(1);
  });

  it('a trash, a restore and an empty trash appear as asset_trashed, asset_restored and asset_deleted', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const uploaded = await directUpload(stack().apiUrl, key, await jpeg({ color: '#654321' }), 't.jpg');
    const id: string = uploaded.body.id;
    await settled(stack().apiUrl, key, id);
    const before = of(await settledFeed(key), id).length;
    await client.post('/api/assets/trash', { ids: [id] });
    await client.post('/api/assets/trash', { ids: [id] });
    await client.post('/api/assets/restore', { ids: [id] });
    await client.post('/api/assets/trash', { ids: [id] });
    await client.post('/api/assets/empty-trash');
    expect(of(await settledFeed(key), id).slice(before)).toEqual([
      'asset_trashed',
      'asset_restored',
      'asset_trashed',
      'asset_deleted',
    ]);
  });

  it('faces and people made through the routes appear as their events, in order', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const uploaded = await directUpload(stack().apiUrl, key, await jpeg({ width: 400, height: 300 }), 'f.jpg');
    await settled(stack().apiUrl, key, uploaded.body.id);
    const person = await client.post('/api/people', { name: 'Ada' });
    expect(person.status).toBe(201);
    const face = await client.post('/api/faces', {
      asset_id: uploaded.body.id,
      bounding_box: { x: 10, y: 10, w: 80, h: 80 },
      person_id: person.body.id,
    });
    expect(face.status).toBe(201);
    expect((await client.patch(`/api/people/${person.body.id}`, { name: 'Ada L.' })).status).toBe(200);
    expect((await client.patch(`/api/faces/${face.body.id}`, { person_id: null })).status).toBe(200);
    expect((await client.delete(`/api/faces/${face.body.id}`)).status).toBeLessThan(300);
    // A person whose last face leaves goes with it; one still here is deleted by hand.
    const left = await client.delete(`/api/people/${person.body.id}`);
    expect([200, 404]).toContain(left.status);

    const events = await settledFeed(key);
    const faceEvents = of(events, face.body.id);
    expect(faceEvents[0]).toBe('face_created');
    expect(faceEvents).toContain('face_updated');
    expect(faceEvents.at(-1)).toBe('face_deleted');
    const personEvents = of(events, person.body.id);
    expect(personEvents[0]).toBe('person_created');
    expect(personEvents.at(-1)).toBe('person_deleted');
    expect(events.filter((e) => e.entity_type === 'face').every((e) => e.entity_id === face.body.id)).toBe(true);
    // The cursor orders the feed, and created_at never goes back along it.
    const cursors = events.map((e) => e.cursor);
    expect([...cursors].sort()).toEqual(cursors);
    expect(new Set(cursors).size).toBe(cursors.length);
    const times = events.map((e) => e.created_at);
    expect([...times].sort()).toEqual(times);
  });

  it('albums and their assets appear as album and album_asset events', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const uploaded = await directUpload(stack().apiUrl, key, await jpeg({ width: 300, height: 200 }), 'a.jpg');
    await settled(stack().apiUrl, key, uploaded.body.id);
    const album = (await client.post('/api/albums', { name: 'Trip' })).body;
    await client.post(`/api/albums/${album.id}/assets`, { asset_ids: [uploaded.body.id] });
    await client.patch(`/api/albums/${album.id}`, { name: 'Summer trip' });
    await client.delete(`/api/albums/${album.id}/assets`, { asset_ids: [uploaded.body.id] });
    await client.delete(`/api/albums/${album.id}`);
    const events = await settledFeed(key);
    // Adding and removing assets change the album too (its cover, its time): updates between.
    const albumEvents = of(events, album.id);
    expect(albumEvents[0]).toBe('album_created');
    expect(albumEvents.at(-1)).toBe('album_deleted');
    expect(new Set(albumEvents.slice(1, -1))).toEqual(new Set(['album_updated']));
    expect(events.filter((e) => e.entity_type === 'album_asset').map((e) => e.event_type)).toEqual([
      'album_asset_added',
      'album_asset_removed',
    ]);
  });

  it(`a consumer that stops and resumes at random cursors sees each of ${OPS} changes exactly once, in order, while writes go on and the writer fails`, async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const random = seeded(Number(process.env.DARKROOM_FEED_SEED ?? 7));
    Object.assign(faults, { rate: 0.3, when: 'after', injected: 0 });
    const expected: [string, string][] = [];
    const writes = (async () => {
      const live: string[] = [];
      for (let i = 0; i < OPS; i++) {
        const roll = random();
        const target = live[Math.floor(random() * live.length)];
        if (!target || roll < 0.4) {
          const created = await client.post('/api/people', { name: `p${i}` });
          live.push(created.body.id);
          expected.push([created.body.id, 'person_created']);
        } else if (roll < 0.8) {
          await client.patch(`/api/people/${target}`, { name: `p${i}`, is_favorite: random() < 0.5 });
          expected.push([target, 'person_updated']);
        } else {
          await client.delete(`/api/people/${target}`);
          live.splice(live.indexOf(target), 1);
          expected.push([target, 'person_deleted']);
        }
      }
    })();

    // The consumer keeps only its cursor across stops; a stop comes at a random event of a page.
    const seen: FeedEvent[] = [];
    let cursor: string | undefined;
    let done = false;
    void writes.then(() => {
      done = true;
    });
    for (;;) {
      const finished = done;
      if (finished) {
        await writes;
        await stack().stream.drained();
      }
      const params = new URLSearchParams({ limit: String(1 + Math.floor(random() * 8)) });
      if (cursor) params.set('after_cursor', cursor);
      const page = await client.get(`/api/events?${params}`);
      expect(page.status).toBe(200);
      const data = page.body.data as FeedEvent[];
      const stopAt = random() < 0.3 ? Math.floor(random() * (data.length + 1)) : data.length;
      for (const event of data.slice(0, stopAt)) {
        seen.push(event);
        cursor = event.cursor;
      }
      if (finished && !page.body.has_more && stopAt === data.length) break;
      if (data.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen.map((e) => [e.entity_id, e.event_type])).toEqual(expected);
    expect(faults.injected).toBeGreaterThan(0);
    faults.rate = 0;
  }, 120_000);

  it('a writer that fails before writing, or after, never loses or duplicates an event', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const ids: string[] = [];
    for (const when of ['before', 'after'] as const) {
      Object.assign(faults, { rate: 0.6, when, injected: 0 });
      for (let i = 0; i < 5; i++) ids.push((await client.post('/api/people', { name: `${when}${i}` })).body.id);
      await stack().stream.drained();
      expect(faults.injected).toBeGreaterThan(0);
    }
    faults.rate = 0;
    const events = await settledFeed(key);
    expect(events.map((e) => [e.entity_id, e.event_type])).toEqual(ids.map((id) => [id, 'person_created']));
    expect(stack().stream.deadLetters).toHaveLength(0);
  });

  it("another user's changes never appear, and another user's library is not found", async () => {
    const alice = await newKey();
    const bob = await newKey();
    await api(stack().apiUrl, alice).post('/api/people', { name: 'only alice' });
    const aliceEvents = await settledFeed(alice);
    expect(aliceEvents.length).toBeGreaterThan(0);
    const bobEvents = await settledFeed(bob);
    const aliceIds = new Set(aliceEvents.map((e) => e.entity_id));
    expect(bobEvents.some((e) => aliceIds.has(e.entity_id))).toBe(false);
    const [aliceLibrary] = (await api(stack().apiUrl, alice).get('/api/libraries')).body;
    expect((await api(stack().apiUrl, bob).get(`/api/events?library_id=${aliceLibrary.id}`)).status).toBe(404);
    expect((await api(stack().apiUrl, alice).get(`/api/events?library_id=${aliceLibrary.id}`)).body.data).toHaveLength(
      aliceEvents.length,
    );
  });

  it('filters by entity type and creation time, and refuses what it cannot read', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const first = await client.post('/api/people', { name: 'first' });
    await stack().stream.drained();
    await new Promise((r) => setTimeout(r, 5));
    const second = await client.post('/api/people', { name: 'second' });
    const events = await settledFeed(key);
    const [a, b] = events;
    expect([a?.entity_id, b?.entity_id]).toEqual([first.body.id, second.body.id]);
    const before = await readFeed(stack().apiUrl, key, { query: `created_at_lt=${b?.created_at}` });
    expect(before.map((e) => e.entity_id)).toEqual([first.body.id]);
    const since = await readFeed(stack().apiUrl, key, { query: `created_at_gte=${b?.created_at}` });
    expect(since.map((e) => e.entity_id)).toEqual([second.body.id]);
    expect(await readFeed(stack().apiUrl, key, { query: 'entity_types=asset,album' })).toEqual([]);
    expect(await readFeed(stack().apiUrl, key, { query: 'entity_types=person' })).toHaveLength(2);
    const paged = await client.get('/api/events?limit=1');
    expect(paged.body).toMatchObject({ has_more: true, data: [{ entity_id: first.body.id }] });
    expect((await client.get('/api/events?after_cursor=nope')).status).toBe(422);
    expect((await client.get('/api/events?entity_types=planet')).status).toBe(422);
    expect((await client.get('/api/events?limit=201')).status).toBe(422);
    expect((await client.get('/api/events?created_at_lt=yesterday')).status).toBe(422);
  });
});
