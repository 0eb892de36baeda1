import { expect, it } from 'vitest';
import { assetListResponse, errorResponse } from '#functions/api/routes/asset-outputs.ts';
import { describeWithSdk, RAW, runSdk } from '#test/helpers/gumnut-sdk.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { deviceMetadata, directUpload, newKey } from '#test/helpers/uploads.ts';

// The SDK's assets.trash, restore, empty_trash, delete_list and list(state=…) against the local
// stack, strict response validation on; the listings are also held to Darkroom's own schema.

const stack = useLocalStack();

/** A user with four photos taken on days 1 to 4, oldest first. */
const userWithPhotos = async () => {
  const key = await newKey();
  const assets: string[] = [];
  for (const day of [1, 2, 3, 4]) {
    const metadata = deviceMetadata({ file_created_at: `2021-07-0${day}T09:00:00Z` });
    const res = await directUpload(stack().apiUrl, key, await uniquePng(9700 + day), 'p.png', metadata);
    expect(res.body.state).toBe('ready');
    assets.push(res.body.id);
  }
  return { target: { baseUrl: stack().apiUrl, apiKey: key }, assets };
};

describeWithSdk('the trash through the Gumnut SDK', () => {
  it('trash, restore, delete_list and empty_trash answer the SDK’s models and move assets between the states', async () => {
    const { target, assets } = await userWithPhotos();
    const [a, b, c, d] = assets as [string, string, string, string];
    const answer = await runSdk(
      target,
      `${RAW}
ids = lambda **kw: [x.id for x in client.assets.list(limit=200, **kw)]
lib = client.assets.retrieve(ARGS["a"]).library_id
trashed = raw(lambda: client.assets.with_raw_response.trash(ids=[ARGS["a"], ARGS["b"], ARGS["c"]], library_id=lib))
again = raw(lambda: client.assets.with_raw_response.trash(ids=[ARGS["a"]]))
states = {"live": ids(), "trashed": ids(state="trashed"), "all": ids(state="all")}
trashed_at = str(client.assets.retrieve(ARGS["a"]).trashed_at)
restored = raw(lambda: client.assets.with_raw_response.restore(ids=[ARGS["b"]]))
deleted = raw(lambda: client.assets.with_raw_response.delete_list(ids=[ARGS["d"]]))
after_delete = {"live": ids(), "trashed": ids(state="trashed")}
emptied = raw(lambda: client.assets.with_raw_response.empty_trash(library_id=lib))
emit({
    "trashed": trashed, "again": again, "states": states, "trashed_at": trashed_at,
    "restored": restored, "deleted": deleted, "after_delete": after_delete, "emptied": emptied,
    "after_empty": {"live": ids(), "trashed": ids(state="trashed"), "all": ids(state="all")},
    "page": client.assets.with_raw_response.list(state="trashed", limit=1).json(),
    "types": [type(client.assets.trash(ids=[ARGS["b"]])).__name__,
              type(client.assets.restore(ids=[ARGS["b"]])).__name__,
              type(client.assets.empty_trash()).__name__],
    "gone": api_error(lambda: client.assets.retrieve(ARGS["a"])),
    "missing": api_error(lambda: client.assets.trash(ids=[ARGS["b"], "asset_2222222222222222222222"])),
    "too_many": api_error(lambda: client.assets.trash(ids=[ARGS["b"]] * 201)),
    "empty_ids": api_error(lambda: client.assets.restore(ids=[])),
    "bad_state": api_error(lambda: client.assets.list(extra_query={"state": "gone"})),
})`,
      { a, b, c, d },
    );
    for (const name of ['trashed', 'again', 'restored', 'deleted', 'emptied'])
      expect(answer[name], name).toEqual({ status: 200, json: {} });
    // Newest first by capture for live and all; the trash by trash time (a, b and c at once: by id).
    expect(answer.states.live).toEqual([d]);
    expect([...answer.states.trashed].sort()).toEqual([a, b, c].sort());
    expect(answer.states.all).toEqual([d, c, b, a]);
    expect(answer.trashed_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    expect(answer.after_delete).toEqual({ live: [b], trashed: answer.states.trashed.filter((id: string) => id !== b) });
    expect(answer.after_empty).toEqual({ live: [b], trashed: [], all: [b] });
    expect(assetListResponse.parse(answer.page)).toEqual({ data: [], has_more: false });
    expect(answer.types).toEqual(['AssetTrashResponse', 'AssetRestoreResponse', 'AssetEmptyTrashResponse']);
    expect(answer.gone.status).toBe(404);
    // All or nothing: one unknown id refuses the request, and b is still live.
    expect(answer.missing.status).toBe(404);
    expect(errorResponse.parse(answer.missing.body).detail).toBe('asset asset_2222222222222222222222 not found');
    expect(answer.too_many.status).toBe(422);
    expect(answer.empty_ids.status).toBe(422);
    expect(answer.bad_state.status).toBe(422);
    const still = await runSdk(target, 'emit([x.id for x in client.assets.list()])');
    expect(still).toEqual([b]);
  });
});
