import { useEffect, useRef, useState } from 'preact/hooks';
import { type Schemas, unwrap } from '#shared/client/index.ts';
import type { Asset } from '../asset.ts';
import { bytes, cameraLines, duration, localDate, metricName, placeName } from '../format.ts';
import { type Filters, href, navigate } from '../route.ts';
import { problem, type Session } from '../session.ts';
import { useStore } from '../store.ts';
import { placeholderUrl } from '../thumbhash.ts';
import type { Timeline } from '../timeline.ts';

// One asset: its preview (a video plays from its signed URL), what its file says in words, its
// faces as boxes named after their people (renamed in place), its metrics, and what can be done
// with it. ← and → step through the timeline it was opened from; Esc goes back to it.

type Face = Schemas['FaceResponse'];
type Person = Schemas['PersonResponse'];

export const AssetView = (props: { session: Session; timeline: Timeline; id: string; filters: Filters }) => {
  const { session, timeline, id, filters } = props;
  const { client } = session;
  const [asset, setAsset] = useState<Asset>();
  const [error, setError] = useState<string>();
  const list = useStore(timeline.state);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = () =>
    unwrap(client.GET('/api/assets/{id}', { params: { path: { id }, query: { include: ['metadata', 'variants'] } } }))
      .then((a) => {
        setAsset(a);
        setError(undefined);
        return a;
      })
      .catch((e) => setError(problem(e, session.apiUrl)));

  useEffect(() => {
    setAsset(undefined);
    void load();
  }, [id]);
  useEffect(() => heading.current?.focus(), [id, asset === undefined]);

  const index = list.assets.findIndex((a) => a.id === id);
  const prev = index > 0 ? list.assets[index - 1] : undefined;
  const next = index >= 0 ? list.assets[index + 1] : undefined;
  useEffect(() => {
    if (index >= 0 && index >= list.assets.length - 3 && list.hasMore) void timeline.more();
  }, [index, list.assets.length]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      if (e.key === 'ArrowLeft' && prev) navigate(href('asset', filters, prev.id));
      else if (e.key === 'ArrowRight' && next) navigate(href('asset', filters, next.id));
      else if (e.key === 'Escape') navigate(href('timeline', filters));
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [prev, next, filters]);

  const changed = (a: Asset) => {
    setAsset(a);
    timeline.replace(a);
  };

  return (
    <main class="asset-view" aria-labelledby="page-title">
      <nav class="asset-nav" aria-label="Asset">
        <a href={href('timeline', filters)}>← Back to {filters.trash ? 'trash' : 'photos'}</a>
        <span class="steps">
          {prev ? (
            <a href={href('asset', filters, prev.id)} rel="prev">
              Previous
            </a>
          ) : (
            <span aria-disabled="true">Previous</span>
          )}
          {next ? (
            <a href={href('asset', filters, next.id)} rel="next">
              Next
            </a>
          ) : (
            <span aria-disabled="true">Next</span>
          )}
        </span>
      </nav>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {asset && (
        <div class="asset-layout">
          <Preview asset={asset} />
          <aside class="asset-info">
            <h1 id="page-title" ref={heading} tabIndex={-1}>
              {asset.original_file_name}
            </h1>
            <p>
              {localDate(asset.local_datetime)} · {asset.width}×{asset.height} · {bytes(asset.file_size_bytes)}
              {asset.duration !== null && ` · ${duration(asset.duration)}`}
            </p>
            {asset.state !== 'ready' && (
              <p class={asset.state === 'failed' ? 'error' : 'notice'}>
                {asset.state === 'pending'
                  ? 'Still processing.'
                  : asset.state === 'duplicate'
                    ? 'A duplicate of another asset.'
                    : `Could not be read: ${asset.error}`}
              </p>
            )}
            {placeName(asset) && (
              <p class="place">
                {placeName(asset)}{' '}
                {asset.exif?.latitude != null && asset.exif.longitude != null && (
                  <a
                    href={href('timeline', {
                      place: `${asset.exif.longitude.toFixed(5)},${asset.exif.latitude.toFixed(5)}`,
                    })}
                  >
                    Photos taken nearby
                  </a>
                )}
              </p>
            )}
            <Actions session={session} asset={asset} onChanged={changed} />
            <People session={session} asset={asset} onChanged={() => void load()} />
            {asset.exif && cameraLines(asset.exif).length > 0 && (
              <section aria-labelledby="camera-title">
                <h2 id="camera-title">Camera</h2>
                <dl>
                  {cameraLines(asset.exif).map(([name, value]) => (
                    <div key={name}>
                      <dt>{name}</dt>
                      <dd>{value}</dd>
                    </div>
                  ))}
                </dl>
              </section>
            )}
            {Object.keys(asset.metrics).length > 0 && (
              <section aria-labelledby="metrics-title">
                <h2 id="metrics-title">Metrics</h2>
                <dl>
                  {Object.entries(asset.metrics).map(([name, value]) => (
                    <div key={name}>
                      <dt>{metricName(name)}</dt>
                      <dd>{value === null ? '—' : Number.isInteger(value) ? value : value.toFixed(3)}</dd>
                    </div>
                  ))}
                </dl>
              </section>
            )}
          </aside>
        </div>
      )}
    </main>
  );
};

const Preview = ({ asset }: { asset: Asset }) => {
  const urls = asset.asset_urls;
  const still = urls.preview?.url ?? urls.preview_image?.url ?? asset.thumbnail_url ?? undefined;
  const video = asset.mime_type.startsWith('video/');
  const placeholder = placeholderUrl(asset.thumbhash);
  const ratio = asset.width > 0 && asset.height > 0 ? `${asset.width} / ${asset.height}` : '1 / 1';
  return (
    <figure class="preview" style={{ aspectRatio: ratio }}>
      {placeholder && <img class="placeholder" src={placeholder} alt="" />}
      {video && asset.download_url ? (
        <video controls preload="metadata" src={asset.download_url} {...(still && { poster: still })} />
      ) : (
        still && <img class="full" src={still} alt={asset.original_file_name} />
      )}
      {!video && <FaceBoxes asset={asset} />}
    </figure>
  );
};

const FaceBoxes = ({ asset }: { asset: Asset }) => {
  if (!asset.width || !asset.height) return null;
  const names = new Map(asset.people.map((p) => [p.id, p.name]));
  return (
    <>
      {asset.faces.map((face) => {
        const b = face.bounding_box;
        const name = (face.person_id && names.get(face.person_id)) || 'Unnamed';
        return (
          <span
            key={face.id}
            class="face-box"
            data-face-id={face.id}
            style={{
              left: `${(100 * b.x) / asset.width}%`,
              top: `${(100 * b.y) / asset.height}%`,
              width: `${(100 * b.w) / asset.width}%`,
              height: `${(100 * b.h) / asset.height}%`,
            }}
          >
            <span class="face-name">{name}</span>
          </span>
        );
      })}
    </>
  );
};

const People = ({ session, asset, onChanged }: { session: Session; asset: Asset; onChanged: () => void }) => {
  if (!asset.faces.length) return null;
  const people = new Map(asset.people.map((p) => [p.id, p]));
  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title">People</h2>
      <ul class="face-list">
        {asset.faces.map((face, i) => (
          <FaceName
            key={face.id}
            session={session}
            asset={asset}
            face={face}
            index={i}
            {...(face.person_id && people.get(face.person_id) ? { person: people.get(face.person_id) as Person } : {})}
            onChanged={onChanged}
          />
        ))}
      </ul>
    </section>
  );
};

const FaceName = (props: {
  session: Session;
  asset: Asset;
  face: Face;
  person?: Person;
  index: number;
  onChanged: () => void;
}) => {
  const { client } = props.session;
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(props.person?.name ?? '');
  const [error, setError] = useState<string>();
  const label = props.person?.name || `Face ${props.index + 1} (unnamed)`;
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (editing) field.current?.focus();
  }, [editing]);
  const save = async (event: Event) => {
    event.preventDefault();
    const trimmed = name.trim();
    try {
      if (props.person) {
        await unwrap(
          client.PATCH('/api/people/{id}', {
            params: { path: { id: props.person.id } },
            body: { name: trimmed || null },
          }),
        );
      } else {
        const person = await unwrap(
          client.POST('/api/people', {
            body: { name: trimmed || null, library_id: props.asset.library_id, thumbnail_face_id: props.face.id },
          }),
        );
        await unwrap(
          client.PATCH('/api/faces/{id}', { params: { path: { id: props.face.id } }, body: { person_id: person.id } }),
        );
      }
      setEditing(false);
      setError(undefined);
      props.onChanged();
    } catch (e) {
      setError(problem(e));
    }
  };
  return (
    <li class="face">
      <img src={props.face.thumbnail_url} alt="" width={48} height={48} />
      {editing ? (
        <form onSubmit={save} class="inline">
          <label>
            <span class="visually-hidden">Name of {label}</span>
            <input value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} ref={field} />
          </label>
          <button type="submit">Save</button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          {props.person ? <a href={href('timeline', { person: props.person.id })}>{label}</a> : <span>{label}</span>}
          <button type="button" class="link" onClick={() => setEditing(true)} aria-label={`Rename ${label}`}>
            {props.person?.name ? 'Rename' : 'Name'}
          </button>
        </>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </li>
  );
};

const Actions = ({ session, asset, onChanged }: { session: Session; asset: Asset; onChanged: (a: Asset) => void }) => {
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
