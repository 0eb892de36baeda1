import justifiedLayout from 'justified-layout';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Asset } from '../asset.ts';
import { duration, localDate } from '../format.ts';
import { placeholderUrl } from '../thumbhash.ts';

// The justified grid: rows of thumbnails at their own aspect ratios (Flickr's justified-layout),
// only the tiles near the viewport in the DOM, and the next page asked for before the end shows.

/** How far beyond the viewport tiles are kept, in viewport heights: the next screens load ahead of the scroll. */
const OVERSCAN_SCREENS = 1.5;

interface GridProps {
  assets: Asset[];
  hasMore: boolean;
  onMore: () => void;
  linkOf: (asset: Asset) => string;
}

const ratio = (a: Asset) => (a.width > 0 && a.height > 0 ? a.width / a.height : 1);

export const Grid = ({ assets, hasMore, onMore, linkOf }: GridProps) => {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [view, setView] = useState({ top: 0, height: 1000 });

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    const onScroll = () => {
      const top = -element.getBoundingClientRect().top;
      setView({ top, height: innerHeight });
    };
    onScroll();
    addEventListener('scroll', onScroll, { passive: true });
    addEventListener('resize', onScroll);
    return () => {
      observer.disconnect();
      removeEventListener('scroll', onScroll);
      removeEventListener('resize', onScroll);
    };
  }, []);

  const layout = useMemo(
    () =>
      width > 0
        ? justifiedLayout(assets.map(ratio), {
            containerWidth: width,
            containerPadding: 0,
            boxSpacing: 4,
            targetRowHeight: width < 600 ? 120 : 220,
          })
        : { containerHeight: 0, boxes: [] },
    [assets, width],
  );

  const overscan = Math.max(1200, view.height * OVERSCAN_SCREENS);
  const nearEnd = layout.containerHeight - (view.top + view.height) < overscan;
  useEffect(() => {
    if (hasMore && nearEnd && width > 0) onMore();
  }, [hasMore, nearEnd, width, assets.length]);

  return (
    <div ref={box} class="grid" style={{ height: `${layout.containerHeight}px` }}>
      {layout.boxes.map((b, i) => {
        const asset = assets[i];
        if (!asset || b.top + b.height < view.top - overscan || b.top > view.top + view.height + overscan) {
          return null;
        }
        return (
          <Tile
            key={asset.id}
            asset={asset}
            href={linkOf(asset)}
            style={{ left: `${b.left}px`, top: `${b.top}px`, width: `${b.width}px`, height: `${b.height}px` }}
          />
        );
      })}
    </div>
  );
};

const Tile = ({ asset, href, style }: { asset: Asset; href: string; style: Record<string, string> }) => {
  const [loaded, setLoaded] = useState(false);
  const placeholder = placeholderUrl(asset.thumbhash);
  const video = asset.duration !== null || asset.mime_type.startsWith('video/');
  const label = `${video ? 'Video' : 'Photo'} ${asset.original_file_name}, ${localDate(asset.local_datetime)}`;
  return (
    <a class={`tile state-${asset.state}`} href={href} style={style} data-asset-id={asset.id}>
      <span class="visually-hidden">{label}</span>
      {placeholder && !loaded && <img class="placeholder" src={placeholder} alt="" />}
      {asset.thumbnail_url ? (
        <img
          class={loaded ? 'thumb loaded' : 'thumb'}
          src={asset.thumbnail_url}
          alt=""
          decoding="async"
          onLoad={() => setLoaded(true)}
        />
      ) : (
        <span class="processing">{asset.state === 'failed' ? 'Could not be read' : 'Processing…'}</span>
      )}
      {video && <span class="badge">{asset.duration ? duration(asset.duration) : 'Video'}</span>}
    </a>
  );
};
