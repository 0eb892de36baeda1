import { useEffect, useState } from 'preact/hooks';
import { type Schemas, unwrap } from '#shared/client/index.ts';
import { href } from '../route.ts';
import { problem, type Session } from '../session.ts';

// Albums with their covers; a new one is made here and filled from an asset's page.

export const Albums = ({ session, version }: { session: Session; version: number }) => {
  const { client } = session;
  const [albums, setAlbums] = useState<Schemas['AlbumResponse'][]>();
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string>();
  const load = () =>
    unwrap(client.GET('/api/albums', { params: { query: { limit: 200 } } }))
      .then(({ data }) => setAlbums(data))
      .catch((e) => setMessage(problem(e, session.apiUrl)));
  useEffect(() => void load(), [version]);

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const album = await unwrap(client.POST('/api/albums', { body: { name: name.trim() } }));
      setName('');
      setMessage(`Album ${album.name} created: add photos to it from a photo's page.`);
      await load();
    } catch (e) {
      setMessage(problem(e));
    }
  };

  return (
    <main class="albums" aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title" tabIndex={-1}>
          Albums
        </h1>
        <form class="inline" onSubmit={create}>
          <label>
            New album
            <input required value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
          </label>
          <button type="submit">Create</button>
        </form>
      </div>
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      {albums && !albums.length && <p class="empty">No albums yet.</p>}
      <ul class="cards">
        {(albums ?? []).map((a) => (
          <li key={a.id} class="card album" data-album-id={a.id}>
            <a href={href('timeline', { album: a.id })}>
              {a.asset_urls.thumbnail ? <img src={a.asset_urls.thumbnail.url} alt="" /> : <span class="no-cover" />}
              <span class="album-name">{a.name}</span>
            </a>
            <p class="count">
              {a.asset_count} {a.asset_count === 1 ? 'item' : 'items'}
            </p>
          </li>
        ))}
      </ul>
    </main>
  );
};
