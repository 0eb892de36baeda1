import { FilterBar, useChoices } from '../components/filters.tsx';
import { Grid } from '../components/grid.tsx';
import { Scrubber } from '../components/scrubber.tsx';
import { type Filters, href, navigate } from '../route.ts';
import { problem, type Session } from '../session.ts';
import { useStore } from '../store.ts';
import type { Timeline as TimelineModel } from '../timeline.ts';

export const Timeline = (props: { session: Session; timeline: TimelineModel; filters: Filters; version: number }) => {
  const { session, timeline, filters } = props;
  const state = useStore(timeline.state);
  const ready = !state.loading || state.assets.length > 0;
  const choices = useChoices(session.client, filters.library, props.version, ready);
  const title = filters.trash ? 'Trash' : 'Photos';
  return (
    <main class="timeline" aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title" tabIndex={-1}>
          {title}
        </h1>
        <FilterBar choices={choices} filters={filters} onChange={(next) => navigate(href('timeline', next))} />
      </div>
      <div class="timeline-body">
        <div class="timeline-grid">
          {state.error !== undefined && (
            <p class="error" role="alert">
              {problem(state.error, session.apiUrl)}{' '}
              <button type="button" onClick={() => timeline.show(filters, state.month)}>
                Try again
              </button>
            </p>
          )}
          {!state.loading && !state.error && state.assets.length === 0 && (
            <p class="empty">
              {filters.trash
                ? 'The trash is empty.'
                : Object.keys(filters).length
                  ? 'Nothing matches these filters.'
                  : 'No photos yet. Drop photos or videos anywhere on this page, or use Upload.'}
            </p>
          )}
          <Grid
            assets={state.assets}
            hasMore={state.hasMore}
            onMore={() => void timeline.more()}
            linkOf={(asset) => href('asset', filters, asset.id)}
          />
          {state.loading && (
            <p class="loading" aria-live="polite">
              Loading…
            </p>
          )}
        </div>
        <Scrubber
          client={session.client}
          filters={filters}
          version={props.version}
          ready={ready}
          {...(state.month && { current: state.month })}
          onPick={(month) => {
            void timeline.show(filters, month);
            scrollTo({ top: 0 });
          }}
        />
      </div>
    </main>
  );
};
