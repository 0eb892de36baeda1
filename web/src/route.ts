import { useEffect, useState } from 'preact/hooks';

// Where the app is, in the URL's hash: `#/`, `#/asset/ID`, `#/people`, `#/albums`, each with the
// timeline's filters as a query (`#/?album=album_…&type=video`). Never a key or a signed URL.

export type Page = 'timeline' | 'asset' | 'people' | 'albums';

export interface Filters {
  library?: string;
  album?: string;
  person?: string;
  /** `longitude,latitude` of a place; assets within PLACE_RADIUS_METRES. */
  place?: string;
  type?: 'image' | 'video';
  /** Calendar dates, `YYYY-MM-DD`, both inclusive. */
  from?: string;
  to?: string;
  trash?: '1';
}

export interface Route {
  page: Page;
  id?: string;
  filters: Filters;
}

const FILTER_NAMES = ['library', 'album', 'person', 'place', 'type', 'from', 'to', 'trash'] as const;

export const parseRoute = (hash: string): Route => {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const filters: Filters = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name);
    if (value) (filters as Record<string, string>)[name] = value;
  }
  const [, first, id] = path.split('/');
  if (first === 'asset' && id) return { page: 'asset', id: decodeURIComponent(id), filters };
  if (first === 'people' || first === 'albums') return { page: first, filters };
  return { page: 'timeline', filters };
};

export const filterQuery = (filters: Filters): string => {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name]) params.set(name, filters[name] as string);
  const text = params.toString();
  return text ? `?${text}` : '';
};

export const href = (page: Page, filters: Filters = {}, id?: string): string =>
  `#/${page === 'timeline' ? '' : page}${id ? `/${encodeURIComponent(id)}` : ''}${filterQuery(filters)}`;

export const navigate = (to: string) => {
  if (location.hash !== to) location.hash = to;
};

export const useRoute = (): Route => {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
};
