import { useEffect, useState } from 'preact/hooks';
import { type DarkroomClient, unwrap } from '#shared/client/index.ts';
import { localDate } from '../format.ts';
import type { Filters } from '../route.ts';
import { rangeQuery } from '../timeline.ts';

// Months with something in them (the counts route), newest first: choosing one starts the
// timeline there. The counts take the library, album, person and date filters, as the list does.

interface Month {
  month: string;
  count: number;
}

export const Scrubber = (props: {
  client: DarkroomClient;
  filters: Filters;
  current?: string;
  version: number;
  /** Asked for once the timeline's first page is in, as the filters' lists are. */
  ready: boolean;
  onPick: (month: string | undefined) => void;
}) => {
  const [months, setMonths] = useState<Month[]>([]);
  const key = JSON.stringify(props.filters);
  useEffect(() => {
    if (!props.ready) return;
    let live = true;
    unwrap(
      props.client.GET('/api/assets/counts', {
        params: { query: { ...rangeQuery(props.filters), group_by: 'month', limit: 200 } },
      }),
    )
      .then(({ data }) => {
        if (live) setMonths(data.map((d) => ({ month: d.time_bucket.slice(0, 7), count: d.count })));
      })
      .catch(() => live && setMonths([]));
    return () => {
      live = false;
    };
  }, [key, props.version, props.ready]);

  if (!months.length) return null;
  const sorted = [...months].sort((a, b) => b.month.localeCompare(a.month));
  return (
    <nav class="scrubber" aria-label="Jump to a month">
      <button type="button" aria-pressed={!props.current} onClick={() => props.onPick(undefined)}>
        Newest
      </button>
      {sorted.map((m) => (
        <button
          type="button"
          key={m.month}
          aria-pressed={props.current === m.month}
          onClick={() => props.onPick(m.month)}
          title={`${m.count} in ${localDate(`${m.month}-01T00:00:00Z`, 'month')}`}
        >
          {localDate(`${m.month}-01T00:00:00Z`, 'month')} <span class="count">{m.count}</span>
        </button>
      ))}
    </nav>
  );
};
