import { useEffect, useRef, useState } from 'preact/hooks';
import { unwrap } from '#shared/client/index.ts';
import type { Asset } from '../asset.ts';
import { Actions } from '../components/asset-actions.tsx';
import { FaceBoxes, FacePeople } from '../components/asset-faces.tsx';
import { bytes, cameraLines, duration, localDate, metricName, placeName } from '../format.ts';
import { type Filters, href, navigate } from '../route.ts';
import { problem, type Session } from '../session.ts';
import { useStore } from '../store.ts';
import { placeholderUrl } from '../thumbhash.ts';
import type { Timeline } from '../timeline.ts';

// One asset: its preview (a video plays from its signed URL), what its file says in words, its
// faces as boxes named after their people (renamed in place), its metrics, and what can be done
// with it. ← and → step through the timeline it was opened from; Esc goes back to it.

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
            <FacePeople session={session} asset={asset} onChanged={() => void load()} />
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
