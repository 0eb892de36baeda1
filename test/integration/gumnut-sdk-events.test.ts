import { expect, it } from 'vitest';
import { eventsQuery } from '#functions/api/routes/events.ts';
import { api } from '#test/helpers/api.ts';
import { describeWithSdk, runSdk } from '#test/helpers/gumnut-sdk.ts';
import { jpeg } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { directUpload, newKey, settled } from '#test/helpers/uploads.ts';

// The SDK's events resource against the local stack, strict response validation on: its
// recommended sync pattern (a fixed `created_at_lt`, pages by `after_cursor` until `has_more` is
// false, the next sync from `created_at_gte`), its filters, and the statuses of bad input.

const stack = useLocalStack();

describeWithSdk('the Gumnut SDK: events', () => {
  it('syncs with the recommended pattern, page by page, and resumes exactly where the last sync ended', async () => {
    const key = await newKey();
    const client = api(stack().apiUrl, key);
    const uploaded = await directUpload(stack().apiUrl, key, await jpeg({ color: '#405060' }), 'e.jpg');
    await settled(stack().apiUrl, key, uploaded.body.id);
    const person = (await client.post('/api/people', { name: 'Ada' })).body.id;
    await stack().stream.drained();
    const target = { baseUrl: stack().apiUrl, apiKey: key };
    const script = `
import datetime
def sync(gte, end):
    seen, after = [], None
    while True:
        page = client.events.get(created_at_lt=end, limit=2, **({"created_at_gte": gte} if gte else {}), **({"after_cursor": after} if after else {}))
        seen += [e.to_dict(mode="json") for e in page.data]
        if not page.has_more:
            return seen
        after = page.data[-1].cursor
end = datetime.datetime.now(datetime.timezone.utc)
first = sync(None, end)
emit({"first": first, "end": end.isoformat()})
`;
    const { first, end } = await runSdk<{ first: Record<string, unknown>[]; end: string }>(target, script);
    expect(first[0]).toMatchObject({ entity_type: 'asset', entity_id: uploaded.body.id, event_type: 'asset_created' });
    expect(first.at(-1)).toMatchObject({ entity_type: 'person', entity_id: person, event_type: 'person_created' });
    for (const event of first)
      expect(Object.keys(event).sort()).toEqual(
        ['created_at', 'cursor', 'entity_id', 'entity_type', 'event_type', 'payload'].sort(),
      );

    expect((await client.patch(`/api/people/${person}`, { name: 'Ada L.' })).status).toBe(200);
    await stack().stream.drained();
    const next = await runSdk<Record<string, unknown>[]>(
      target,
      `
import datetime
page = client.events.get(created_at_gte=datetime.datetime.fromisoformat(ARGS["end"]), entity_types=["person", "album"])
emit([e.to_dict(mode="json") for e in page.data])
`,
      { end },
    );
    expect(next).toEqual([expect.objectContaining({ entity_id: person, event_type: 'person_updated' })]);
  });

  it('answers 422 for a limit, cursor or entity type it cannot take, and 404 for a library that is not the caller’s', async () => {
    const owner = await newKey();
    const [library] = (await api(stack().apiUrl, owner).get('/api/libraries')).body;
    const key = await newKey();
    const answer = await runSdk(
      { baseUrl: stack().apiUrl, apiKey: key },
      `
emit({
    "limit": api_error(lambda: client.events.get(limit=0)),
    "too_many": api_error(lambda: client.events.get(limit=201)),
    "cursor": api_error(lambda: client.events.get(after_cursor="not-a-cursor")),
    "type": api_error(lambda: client.events.get(entity_types=["planet"])),
    "library": api_error(lambda: client.events.get(library_id=ARGS["library"])),
    "empty": client.events.get(limit=200).to_dict(mode="json"),
})
`,
      { library: library.id },
    );
    for (const name of ['limit', 'too_many', 'cursor', 'type']) {
      expect(answer[name]).toMatchObject({ status: 422, error: 'UnprocessableEntityError' });
    }
    expect(answer.library).toMatchObject({ status: 404, error: 'NotFoundError' });
    expect(answer.empty).toEqual({ data: [], has_more: false });
    expect(eventsQuery.safeParse({ entity_types: 'asset,album,album_asset,metadata,stack' }).success).toBe(true);
  });
});
