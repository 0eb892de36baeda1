import { useEffect, useState } from 'preact/hooks';
import { type DarkroomClient, type Schemas, unwrap } from '#shared/client/index.ts';
import { placeName } from '../format.ts';
import type { Filters } from '../route.ts';

// The timeline's filters. Places are the library's clusters on the map (the geo-clusters route),
// named after a photo taken there; choosing one shows what was taken nearby.

interface Choices {
  libraries: Schemas['LibraryResponse'][];
  albums: Schemas['AlbumResponse'][];
  people: Schemas['PersonResponse'][];
  places: { value: string; label: string }[];
}

const WORLD = '-180,-90,180,90';
const PLACE_CELL_DEGREES = 0.5;
const MAX_PLACES = 40;

const loadPlaces = async (client: DarkroomClient, library?: string) => {
  const { data } = await unwrap(
    client.GET('/api/assets/geo-clusters', {
      params: { query: { bbox: WORLD, cell_size: PLACE_CELL_DEGREES, ...(library && { library_id: library }) } },
    }),
  );
  const top = [...data].sort((a, b) => b.count - a.count).slice(0, MAX_PLACES);
  if (!top.length) return [];
  const named = await unwrap(
    client.GET('/api/assets', { params: { query: { ids: top.map((c) => c.representative_asset_id), limit: 200 } } }),
  );
  const names = new Map(named.data.map((a) => [a.id, placeName(a)]));
  const seen = new Set<string>();
  return top.flatMap((c) => {
    const name = names.get(c.representative_asset_id) ?? `${c.latitude.toFixed(2)}, ${c.longitude.toFixed(2)}`;
    if (seen.has(name)) return [];
    seen.add(name);
    return [{ value: `${c.longitude.toFixed(5)},${c.latitude.toFixed(5)}`, label: `${name} (${c.count})` }];
  });
};

/** The filters' lists, asked for once `ready` (after the timeline's first page: they must not slow its thumbnails). */
export const useChoices = (
  client: DarkroomClient,
  library: string | undefined,
  version: number,
  ready: boolean,
): Choices => {
  const [choices, setChoices] = useState<Choices>({ libraries: [], albums: [], people: [], places: [] });
  useEffect(() => {
    if (!ready) return;
    let live = true;
    const scope = library ? { library_id: library } : {};
    Promise.allSettled([
      unwrap(client.GET('/api/libraries')),
      unwrap(client.GET('/api/albums', { params: { query: { ...scope, limit: 200 } } })),
      unwrap(client.GET('/api/people', { params: { query: { ...scope, name_filter: 'named', limit: 200 } } })),
      loadPlaces(client, library),
    ]).then(([libraries, albums, people, places]) => {
      if (!live) return;
      const value = <T,>(r: PromiseSettledResult<T>, empty: T) => (r.status === 'fulfilled' ? r.value : empty);
      setChoices({
        libraries: value(libraries, []),
        albums: value(albums, { data: [], has_more: false }).data,
        people: value(people, { data: [], has_more: false }).data.filter((p) => !p.is_hidden),
        places: value(places, []),
      });
    });
    return () => {
      live = false;
    };
  }, [client, library, version, ready]);
  return choices;
};

export const FilterBar = (props: { choices: Choices; filters: Filters; onChange: (filters: Filters) => void }) => {
  const { choices, filters } = props;
  const set = (name: keyof Filters) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    const next = { ...filters };
    if (value) (next as Record<string, string>)[name] = value;
    else delete next[name];
    props.onChange(next);
  };
  const select = (name: keyof Filters, label: string, all: string, options: { value: string; label: string }[]) => (
    <label>
      {label}
      <select value={filters[name] ?? ''} onChange={set(name)}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
  const active = Object.keys(filters).length;
  return (
    // Open on a wide screen; on a phone the filters wait behind their summary, out of the photos' way.
    <details class="filter-box" open={matchMedia('(min-width: 701px)').matches}>
      <summary>Filters{active ? ` (${active})` : ''}</summary>
      <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        {choices.libraries.length > 1 &&
          select(
            'library',
            'Library',
            'All libraries',
            choices.libraries.map((l) => ({ value: l.id, label: l.name })),
          )}
        {select(
          'album',
          'Album',
          'Any album',
          choices.albums.map((a) => ({ value: a.id, label: a.name })),
        )}
        {select(
          'person',
          'Person',
          'Anyone',
          choices.people.map((p) => ({ value: p.id, label: p.name ?? 'Unnamed' })),
        )}
        {select('place', 'Place', 'Anywhere', choices.places)}
        {select('type', 'Type', 'Photos and videos', [
          { value: 'image', label: 'Photos' },
          { value: 'video', label: 'Videos' },
        ])}
        <label>
          From
          <input type="date" value={filters.from ?? ''} onChange={set('from')} />
        </label>
        <label>
          To
          <input type="date" value={filters.to ?? ''} onChange={set('to')} />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={filters.trash === '1'}
            onChange={(e) => {
              const { trash: _, ...rest } = filters;
              props.onChange((e.currentTarget as HTMLInputElement).checked ? { ...rest, trash: '1' } : rest);
            }}
          />
          Trash
        </label>
      </form>
    </details>
  );
};
