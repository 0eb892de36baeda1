import { expect, it } from 'vitest';
import {
  errorResponseSchema,
  libraryListResponseSchema,
  libraryResponseSchema,
  userResponseSchema,
} from '#functions/api/routes/account-schemas.ts';
import { composeAssets } from '#functions/compose-assets.ts';
import { describeWithSdk, RAW, runSdk } from '#test/helpers/gumnut-sdk.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';

const stack = useLocalStack();

let users = 0;
/** A new user's key, and their name (for setting their quota). */
const newUser = async () => {
  const name = `sdk-${Date.now()}-${users++}`;
  const { key } = await composeAssets(stack().config).accounts.createApiKey(name);
  return { name, target: { baseUrl: stack().apiUrl, apiKey: key } };
};

describeWithSdk('libraries, users and ping through the Gumnut SDK', () => {
  it('libraries.list answers a bare array; create takes a description; retrieve and update answer the library', async () => {
    const { target } = await newUser();
    const answer = await runSdk(
      target,
      `${RAW}
libs = client.libraries.with_raw_response
listed = raw(lambda: libs.list())
created = raw(lambda: libs.create(name="  Holidays ", description="Summer 2026"))
lib_id = created["json"]["id"]
emit({
    "listed": listed,
    "created": created,
    "retrieved": raw(lambda: libs.retrieve(lib_id)),
    "renamed": raw(lambda: libs.update(lib_id, name="Trips")),
    "described": raw(lambda: libs.update(lib_id, description="Every trip")),
    "cleared": raw(lambda: libs.update(lib_id, description=None)),
    "after": raw(lambda: libs.list()),
    "all": raw(lambda: libs.list(state="all")),
    "trashed": raw(lambda: libs.list(state="trashed")),
    "typed": [type(l).__name__ for l in client.libraries.list()],
})`,
    );
    const [main] = libraryListResponseSchema.parse(answer.listed.json);
    expect(answer.listed.status).toBe(200);
    expect(main).toMatchObject({ name: 'Library', description: null, asset_count: 0, storage_used_bytes: 0 });
    expect(answer.created.status).toBe(201);
    const created = libraryResponseSchema.parse(answer.created.json);
    expect(created).toMatchObject({
      name: 'Holidays',
      description: 'Summer 2026',
      user_id: main?.user_id,
      asset_count: 0,
      storage_used_bytes: 0,
      storage_limit_bytes: null,
    });
    expect(libraryResponseSchema.parse(answer.retrieved.json)).toEqual(created);
    expect(libraryResponseSchema.parse(answer.renamed.json)).toMatchObject({
      name: 'Trips',
      description: 'Summer 2026',
    });
    expect(libraryResponseSchema.parse(answer.described.json)).toMatchObject({
      name: 'Trips',
      description: 'Every trip',
    });
    const cleared = libraryResponseSchema.parse(answer.cleared.json);
    expect(cleared).toMatchObject({ name: 'Trips', description: null, created_at: created.created_at });
    expect(cleared.updated_at >= created.updated_at).toBe(true);
    expect(libraryListResponseSchema.parse(answer.after.json).map((l) => l.name)).toEqual(['Library', 'Trips']);
    expect(answer.all.json).toEqual(answer.after.json);
    expect(answer.trashed.json).toEqual([]);
    expect(answer.typed).toEqual(['LibraryResponse', 'LibraryResponse']);
  });

  it('trashes a library out of the default list, restores it, and deletes it from the trash', async () => {
    const { target } = await newUser();
    const answer = await runSdk(
      target,
      `${RAW}
libs = client.libraries.with_raw_response
trip = client.libraries.create(name="Trip").id
names = lambda **kw: [l.name for l in client.libraries.list(**kw)]
trashed = raw(lambda: libs.trash(trip))
again = raw(lambda: libs.trash(trip))
listings = {"live": names(), "trashed": names(state="trashed"), "all": names(state="all")}
restored = raw(lambda: libs.restore(trip))
after_restore = names()
client.libraries.trash(trip)
deleted = raw(lambda: libs.delete(trip))
emit({
    "trashed": trashed, "again": again, "listings": listings, "restored": restored,
    "after_restore": after_restore, "deleted": deleted,
    "types": [type(client.libraries.trash(trip)).__name__, type(client.libraries.delete(trip)).__name__],
    "still": client.libraries.retrieve(trip).name,
})`,
    );
    for (const name of ['trashed', 'again', 'deleted']) expect(answer[name], name).toEqual({ status: 200, json: {} });
    expect(answer.listings).toEqual({ live: ['Library'], trashed: ['Trip'], all: ['Library', 'Trip'] });
    expect(answer.restored.status).toBe(200);
    expect(libraryResponseSchema.parse(answer.restored.json)).toMatchObject({ name: 'Trip', asset_count: 0 });
    expect(answer.after_restore).toEqual(['Library', 'Trip']);
    expect(answer.types).toEqual(['LibraryTrashResponse', 'LibraryDeleteResponse']);
    // Deleting waives the undo window; the library stays until the sweep purges it.
    expect(answer.still).toBe('Trip');
  });

  it('refuses bad library input with a detail and the right status', async () => {
    const { target } = await newUser();
    const other = await newUser();
    const theirs = await runSdk(other.target, 'emit(client.libraries.list()[0].id)');
    const answer = await runSdk(
      target,
      `
mine = client.libraries.list()[0].id
emit({
    "empty": api_error(lambda: client.libraries.create(name="   ")),
    "long": api_error(lambda: client.libraries.create(name="x", description="d" * 2001)),
    "unknown": api_error(lambda: client.libraries.create(name="x", extra_body={"owner_id": "user_x"})),
    "foreign": api_error(lambda: client.libraries.retrieve(ARGS["theirs"])),
    "foreign_update": api_error(lambda: client.libraries.update(ARGS["theirs"], name="mine now")),
    "bad_id": api_error(lambda: client.libraries.retrieve("lib_short")),
    "bad_state": api_error(lambda: client.libraries.list(extra_query={"state": "gone"})),
    "delete": api_error(lambda: client.libraries.delete(mine)),
    "delete_foreign": api_error(lambda: client.libraries.delete(ARGS["theirs"])),
    "trash_default": api_error(lambda: client.libraries.trash(mine)),
    "trash_foreign": api_error(lambda: client.libraries.trash(ARGS["theirs"])),
    "restore_foreign": api_error(lambda: client.libraries.restore(ARGS["theirs"])),
})`,
      { theirs },
    );
    const expectations: [string, number, RegExp][] = [
      ['empty', 422, /^name:/],
      ['long', 422, /^description:/],
      ['unknown', 422, /owner_id/],
      ['foreign', 404, /^library not found$/],
      ['foreign_update', 404, /^library not found$/],
      ['bad_id', 422, /^id: must be a library id/],
      ['bad_state', 422, /^state:/],
      // Upstream deletes only a trashed library (409 otherwise); the default one cannot be trashed.
      ['delete', 409, /is not in the trash/],
      ['trash_default', 422, /is your default library/],
      ['trash_foreign', 404, /^library not found$/],
      ['restore_foreign', 404, /^library not found$/],
      ['delete_foreign', 404, /^library not found$/],
    ];
    for (const [name, status, detail] of expectations) {
      expect(answer[name].status, name).toBe(status);
      expect(errorResponseSchema.parse(answer[name].body).detail, name).toMatch(detail);
    }
    expect(answer.delete.error).toBe('ConflictError');
    // The untouched library is still there and still named.
    const still = await runSdk(target, 'emit(client.libraries.list()[0].name)');
    expect(still).toBe('Library');
  });

  it('users.me answers the caller with their stored bytes and quota; ping answers pong without a key', async () => {
    const { name, target } = await newUser();
    const png = await uniquePng(90_210);
    const answer = await runSdk(
      target,
      `${RAW}
import base64, io
before = raw(lambda: client.users.with_raw_response.me())
asset = client.assets.with_raw_response.create(asset_data=("a.png", io.BytesIO(base64.b64decode(ARGS["png"])), "image/png"),
    device_asset_id="IMG_1", device_id="phone",
    file_created_at="2020-01-01T00:00:00Z", file_modified_at="2020-01-01T00:00:00Z")
again = client.assets.with_raw_response.create(asset_data=("b.png", io.BytesIO(base64.b64decode(ARGS["png"])), "image/png"),
    device_asset_id="IMG_2", device_id="phone",
    file_created_at="2020-01-01T00:00:00Z", file_modified_at="2020-01-01T00:00:00Z")
emit({
    "before": before,
    "duplicate_status": again.status_code,
    "after": raw(lambda: client.users.with_raw_response.me()),
    "created_status": asset.status_code,
    # Parsed strictly too: the asset answer is the SDK's AssetResponse.
    "library": raw(lambda: client.libraries.with_raw_response.retrieve(asset.parse().library_id)),
    "ping": gumnut.Gumnut(api_key="not-a-key", base_url=os.environ["DARKROOM_BASE_URL"], _strict_response_validation=True).ping.get(),
})`,
      { png: png.toString('base64') },
    );
    const before = userResponseSchema.parse(answer.before.json);
    expect(before).toMatchObject({
      storage_used_bytes: 0,
      storage_limit_bytes: stack().config.DARKROOM_STORAGE_LIMIT_BYTES,
      is_active: true,
      is_superuser: false,
      email: null,
    });
    expect(answer.created_status).toBe(201);
    expect(answer.duplicate_status).toBe(200);
    const after = userResponseSchema.parse(answer.after.json);
    expect(after).toMatchObject({ id: before.id, storage_used_bytes: png.length, created_at: before.created_at });
    expect(libraryResponseSchema.parse(answer.library.json)).toMatchObject({
      asset_count: 1,
      storage_used_bytes: png.length,
    });
    expect(answer.ping).toBe('pong');

    // An operator's limit below what is stored: users.me shows it, and the next upload is a 507.
    await composeAssets(stack().config).users.setStorageLimit(name, png.length);
    const full = await runSdk(
      target,
      `
import base64, io
emit({
    "me": client.users.me().storage_limit_bytes,
    "refused": api_error(lambda: client.assets.create(asset_data=("c.png", io.BytesIO(base64.b64decode(ARGS["png"])), "image/png"),
        device_asset_id="IMG_3", device_id="phone",
        file_created_at="2020-01-01T00:00:00Z", file_modified_at="2020-01-01T00:00:00Z")),
})`,
      { png: (await uniquePng(90_211)).toString('base64') },
    );
    expect(full.me).toBe(png.length);
    expect(full.refused).toMatchObject({ status: 507, error: 'InternalServerError' });
    expect(errorResponseSchema.parse(full.refused.body).detail).toMatch(/^storage quota exceeded/);
  });
});
