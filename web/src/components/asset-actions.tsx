import { useEffect, useState } from 'preact/hooks';
import { type Schemas, unwrap } from '#shared/client/index.ts';
import type { Asset } from '../asset.ts';
import { problem, type Session } from '../session.ts';

// What can be done with an asset: download its original, trash or restore it, file it in an album.

export const Actions = ({
  session,
  asset,
  onChanged,
}: {
  session: Session;
  asset: Asset;
  onChanged: (a: Asset) => void;
}) => {
  const { client } = session;
  const [albums, setAlbums] = useState<Schemas['AlbumResponse'][]>([]);
  const [album, setAlbum] = useState('');
  const [newAlbum, setNewAlbum] = useState('');
  const [message, setMessage] = useState<string>();
  useEffect(() => {
    unwrap(client.GET('/api/albums', { params: { query: { library_id: asset.library_id, limit: 200 } } }))
      .then(({ data }) => setAlbums(data))
      .catch(() => setAlbums([]));
  }, [asset.library_id]);

  const act = async (work: () => Promise<string>) => {
    try {
      setMessage(await work());
    } catch (e) {
      setMessage(problem(e));
    }
  };
  const refetch = async () =>
    unwrap(
      client.GET('/api/assets/{id}', {
        params: { path: { id: asset.id }, query: { include: ['metadata', 'variants'] } },
      }),
    );
  const trash = () =>
    act(async () => {
      await unwrap(client.POST('/api/assets/trash', { body: { ids: [asset.id] } }));
      onChanged(await refetch());
      return 'Moved to the trash.';
    });
  const restore = () =>
    act(async () => {
      await unwrap(client.POST('/api/assets/restore', { body: { ids: [asset.id] } }));
      onChanged(await refetch());
      return 'Restored from the trash.';
    });
  const addToAlbum = (event: Event) => {
    event.preventDefault();
    return act(async () => {
      let id = album;
      let name = albums.find((a) => a.id === album)?.name;
      if (album === 'new') {
        const created = await unwrap(
          client.POST('/api/albums', { body: { name: newAlbum.trim(), library_id: asset.library_id } }),
        );
        setAlbums((all) => [...all, created]);
        setAlbum(created.id);
        setNewAlbum('');
        id = created.id;
        name = created.name;
      }
      const added = await unwrap(
        client.POST('/api/albums/{id}/assets', { params: { path: { id } }, body: { asset_ids: [asset.id] } }),
      );
      return added.duplicate_assets.length ? `Already in ${name}.` : `Added to ${name}.`;
    });
  };

  return (
    <section class="actions" aria-label="Actions">
      <div class="buttons">
        {asset.download_url && (
          <a class="button" href={asset.download_url} download={asset.original_file_name}>
            Download original
          </a>
        )}
        {asset.trashed_at ? (
          <button type="button" onClick={restore}>
            Restore
          </button>
        ) : (
          <button type="button" onClick={trash}>
            Move to trash
          </button>
        )}
      </div>
      {!asset.trashed_at && (
        <form class="inline" onSubmit={addToAlbum}>
          <label>
            Add to album
            <select value={album} required onChange={(e) => setAlbum((e.currentTarget as HTMLSelectElement).value)}>
              <option value="">Choose an album</option>
              {albums.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
              <option value="new">New album…</option>
            </select>
          </label>
          {album === 'new' && (
            <label>
              Album name
              <input
                required
                value={newAlbum}
                onInput={(e) => setNewAlbum((e.currentTarget as HTMLInputElement).value)}
              />
            </label>
          )}
          <button type="submit">Add</button>
        </form>
      )}
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
    </section>
  );
};
