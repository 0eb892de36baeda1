import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { type Schemas, unwrap } from '#shared/client/index.ts';
import { PickFiles, UploadPanel, useDropTarget } from './components/upload-panel.tsx';
import { Albums } from './pages/albums.tsx';
import { AssetView } from './pages/asset-view.tsx';
import { People } from './pages/people.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { Timeline } from './pages/timeline.tsx';
import { href, type Route, useRoute } from './route.ts';
import { loadConfig, problem, resume, type Session, signOut } from './session.ts';
import { createTimeline } from './timeline.ts';
import { createUploadQueue } from './uploads/queue.ts';

type Boot =
  | { state: 'loading' }
  | { state: 'signed-out'; apiUrl: string; notice?: string }
  | { state: 'in'; session: Session };

/** How long uploads must stop settling before the timeline is read again. */
const SETTLE_MS = 400;
const REJECTED = 'Your API key is no longer accepted. Sign in again.';

export const App = () => {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const rejected = useCallback((apiUrl: string) => {
    signOut();
    setBoot({ state: 'signed-out', apiUrl, notice: REJECTED });
  }, []);
  useEffect(() => {
    loadConfig()
      .then(({ apiUrl }) => {
        const session = resume(apiUrl, () => rejected(apiUrl));
        setBoot(session ? { state: 'in', session } : { state: 'signed-out', apiUrl });
      })
      .catch((error) => setBoot({ state: 'signed-out', apiUrl: location.origin, notice: problem(error) }));
  }, []);

  if (boot.state === 'loading') return <p class="loading">Loading…</p>;
  if (boot.state === 'signed-out') {
    const { apiUrl } = boot;
    return (
      <SignIn
        apiUrl={apiUrl}
        onRejected={() => rejected(apiUrl)}
        {...(boot.notice && { notice: boot.notice })}
        onSession={(session) => setBoot({ state: 'in', session })}
      />
    );
  }
  return (
    <Shell
      session={boot.session}
      onSignOut={() => {
        signOut();
        setBoot({ state: 'signed-out', apiUrl: boot.session.apiUrl });
      }}
    />
  );
};

const Shell = ({ session, onSignOut }: { session: Session; onSignOut: () => void }) => {
  const route = useRoute();
  const [version, setVersion] = useState(0);
  const timeline = useMemo(() => createTimeline(session.client), [session]);
  const queue = useMemo(() => {
    // A batch of uploads settles file by file: the timeline and the lists are read again once the
    // settling pauses, not once per file.
    let timer: ReturnType<typeof setTimeout> | undefined;
    return createUploadQueue(session.client, () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void timeline.refresh();
        setVersion((v) => v + 1);
      }, SETTLE_MS);
    });
  }, [session]);
  const filtersKey = JSON.stringify(route.filters);
  useEffect(() => {
    if (route.page === 'timeline' || (route.page === 'asset' && timeline.state.get().assets.length === 0)) {
      void timeline.show(route.filters);
    }
  }, [filtersKey, route.page === 'timeline']);
  useEffect(() => {
    document.title = `${titleOf(route)} · Darkroom`;
    if (route.page !== 'asset') document.getElementById('page-title')?.focus();
  }, [route.page]);

  const onFiles = useCallback(
    (files: File[]) => queue.add(files, route.filters.library),
    [queue, route.filters.library],
  );
  const dropping = useDropTarget(onFiles);
  const [user, setUser] = useState<Schemas['UserResponse']>();
  useEffect(() => {
    // Shown once known; the timeline's requests go first.
    unwrap(session.client.GET('/api/users/me')).then(setUser, () => undefined);
  }, [session]);
  const name = user && ([user.first_name, user.last_name].filter(Boolean).join(' ') || user.email);

  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById('page-title')?.focus()}>
        Skip to content
      </button>
      <header class="top">
        <a class="brand" href={href('timeline')}>
          Darkroom
        </a>
        <nav aria-label="Main">
          <a
            href={href('timeline')}
            aria-current={route.page === 'timeline' && !route.filters.trash ? 'page' : undefined}
          >
            Photos
          </a>
          <a href={href('people')} aria-current={route.page === 'people' ? 'page' : undefined}>
            People
          </a>
          <a href={href('albums')} aria-current={route.page === 'albums' ? 'page' : undefined}>
            Albums
          </a>
        </nav>
        <PickFiles onFiles={onFiles} />
        {name && <span class="user">{name}</span>}
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {dropping && (
        <div class="drop-overlay" aria-hidden="true">
          Drop to upload
        </div>
      )}
      <UploadPanel queue={queue} onFiles={onFiles} />
      {route.page === 'timeline' && (
        <Timeline session={session} timeline={timeline} filters={route.filters} version={version} />
      )}
      {route.page === 'asset' && route.id && (
        <AssetView session={session} timeline={timeline} id={route.id} filters={route.filters} />
      )}
      {route.page === 'people' && <People session={session} version={version} />}
      {route.page === 'albums' && <Albums session={session} version={version} />}
    </>
  );
};

const titleOf = (route: Route) =>
  route.page === 'people' ? 'People' : route.page === 'albums' ? 'Albums' : route.page === 'asset' ? 'Photo' : 'Photos';
