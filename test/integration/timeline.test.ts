import { beforeAll, describe, expect, it } from 'vitest';
import { api } from '#test/helpers/api.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

const stack = useLocalStack();
/**
 * Two and a half pages: every page boundary, a short last page and ties, at any page size. Pages
 * of 10 rather than 100 hold the same cursor rules with a tenth of the uploads (each processed).
 */
const PAGE = 10;
const COUNT = PAGE * 2 + PAGE / 2;
let key = '';
/** Capture times (no EXIF: the device's file_created_at), one per minute, two assets sharing the first. */
const at = (i: number) => new Date(Date.UTC(2022, 0, 1, 0, Math.max(i, 1))).toISOString().replace('.000Z', 'Z');
let uploaded: { id: string; local: string }[] = [];

const upload = async (i: number, local: string) => {
  const { status, body } = await directUpload(
    stack().apiUrl,
    key,
    await uniquePng(i),
    `${i}.png`,
    deviceMetadata({ file_created_at: local }),
  );
  expect(status).toBe(201);
  return { id: body.id as string, local };
};

const pages = async (query: string) => {
  const seen: { id: string; local_datetime: string }[][] = [];
  let cursor = '';
  for (;;) {
    const res = await api(stack().apiUrl, key).get(`/api/assets?limit=${PAGE}${query}${cursor}`);
    expect(res.status).toBe(200);
    seen.push(res.body.data);
    if (!res.body.has_more) return seen;
    cursor = `&starting_after_id=${res.body.data.at(-1).id}`;
  }
};

beforeAll(async () => {
  key = await newKey();
  for (let start = 0; start < COUNT; start += 10) {
    const batch = Array.from({ length: Math.min(10, COUNT - start) }, (_, j) => start + j);
    uploaded.push(...(await Promise.all(batch.map((i) => upload(i, at(i))))));
  }
}, 300_000);

const expectedOrder = (order: 'asc' | 'desc') => {
  // Byte order, as DynamoDB sorts keys (localeCompare would fold case).
  const key = (a: { id: string; local: string }) => `${a.local}#${a.id}`;
  const sorted = [...uploaded].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  return (order === 'asc' ? sorted : sorted.reverse()).map((a) => a.id);
};

describe('the timeline', () => {
  it(`pages ${COUNT} assets as ${PAGE}/${PAGE}/${COUNT - 2 * PAGE}, newest first, ties broken by id, no repeats or gaps`, async () => {
    const seen = await pages('');
    expect(seen.map((p) => p.length)).toEqual([PAGE, PAGE, COUNT - 2 * PAGE]);
    expect(seen.flat().map((a) => a.id)).toEqual(expectedOrder('desc'));
  });

  it('pages oldest first with order=asc', async () => {
    const seen = await pages('&order=asc');
    expect(seen.flat().map((a) => a.id)).toEqual(expectedOrder('asc'));
  });

  it('filters by local_datetime, both bounds exclusive', async () => {
    const res = await api(stack().apiUrl, key).get(
      `/api/assets?limit=200&order=asc&local_datetime_after=${at(10)}&local_datetime_before=${at(20)}`,
    );
    expect(res.body.data.map((a: { local_datetime: string }) => a.local_datetime)).toEqual(
      Array.from({ length: 9 }, (_, i) => at(11 + i)),
    );
    const after = await api(stack().apiUrl, key).get(`/api/assets?limit=200&local_datetime_after=${at(COUNT - 5)}`);
    expect(after.body.data).toHaveLength(4);
  });

  it('answers an empty page for bounds that meet or cross, in both orders', async () => {
    for (const [after, before] of [
      [at(20), at(10)],
      [at(15), at(15)],
    ]) {
      for (const order of ['asc', 'desc']) {
        const res = await api(stack().apiUrl, key).get(
          `/api/assets?order=${order}&local_datetime_after=${after}&local_datetime_before=${before}`,
        );
        expect(res.status, `${after} ${before} ${order}`).toBe(200);
        expect(res.body).toEqual({ data: [], has_more: false });
      }
    }
  });

  it('stays stable when assets arrive between pages', async () => {
    const client = api(stack().apiUrl, key);
    const first = await client.get(`/api/assets?limit=${PAGE}`);
    const later = await Promise.all([0, 1, 2].map((i) => upload(10_000 + i, `2030-01-0${i + 1}T00:00:00Z`)));
    const second = await client.get(`/api/assets?limit=${PAGE}&starting_after_id=${first.body.data.at(-1).id}`);
    const third = await client.get(`/api/assets?limit=${PAGE}&starting_after_id=${second.body.data.at(-1).id}`);
    const ids = [...first.body.data, ...second.body.data, ...third.body.data].map((a: { id: string }) => a.id);
    expect(ids).toEqual(expectedOrder('desc'));
    expect(ids).not.toEqual(expect.arrayContaining([later[0]?.id]));
    uploaded = [...uploaded, ...later];
  });

  it('lists one library when asked, and refuses bad parameters with 422', async () => {
    const client = api(stack().apiUrl, key);
    const library = await client.post('/api/libraries', { name: 'Empty' });
    expect((await client.get(`/api/assets?library_id=${library.body.id}`)).body).toEqual({ data: [], has_more: false });
    for (const bad of [
      'limit=0',
      'limit=201',
      'limit=x',
      'order=up',
      'local_datetime_after=soon',
      'starting_after_id=x',
      'color=red',
    ]) {
      const res = await client.get(`/api/assets?${bad}`);
      expect(res.status, bad).toBe(422);
      expect(res.body.detail, bad).toMatch(new RegExp(`^${bad.split('=')[0]}|${bad.split('=')[0]}`));
    }
    const stranger = await api(stack().apiUrl, await newKey()).get(`/api/assets?library_id=${library.body.id}`);
    expect(stranger.status).toBe(404);
  });
});
