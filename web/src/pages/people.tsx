import { useEffect, useState } from 'preact/hooks';
import { type Schemas, unwrap } from '#shared/client/index.ts';
import { href } from '../route.ts';
import { problem, type Session } from '../session.ts';

// People as their faces, named in place; hide someone, or merge the ones that are the same person.

type Person = Schemas['PersonResponse'];

export const People = ({ session, version }: { session: Session; version: number }) => {
  const { client } = session;
  const [people, setPeople] = useState<Person[]>();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [message, setMessage] = useState<string>();
  const [showHidden, setShowHidden] = useState(false);

  const load = async () => {
    try {
      const all: Person[] = [];
      let after: string | undefined;
      for (let more = true; more; ) {
        const page = await unwrap(
          client.GET('/api/people', {
            params: { query: { sort: 'asset_count_desc', limit: 200, ...(after && { starting_after_id: after }) } },
          }),
        );
        all.push(...page.data);
        more = page.has_more;
        after = page.data.at(-1)?.id;
      }
      setPeople(all);
    } catch (e) {
      setMessage(problem(e, session.apiUrl));
    }
  };
  useEffect(() => void load(), [version]);

  const act = async (work: () => Promise<string>) => {
    try {
      setMessage(await work());
      await load();
    } catch (e) {
      setMessage(problem(e));
    }
  };
  const toggle = (id: string) =>
    setChosen((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const merge = () => {
    const [target, ...sources] = (people ?? []).filter((p) => chosen.has(p.id));
    if (!target || !sources.length) return;
    return act(async () => {
      await unwrap(
        client.POST('/api/people/{id}/merge', {
          params: { path: { id: target.id } },
          body: { source_person_ids: sources.map((s) => s.id) },
        }),
      );
      setChosen(new Set());
      return `Merged ${sources.length + 1} people into ${target.name ?? 'one'}.`;
    });
  };

  const shown = (people ?? []).filter((p) => showHidden || !p.is_hidden);
  return (
    <main class="people" aria-labelledby="page-title">
      <div class="page-head">
        <h1 id="page-title" tabIndex={-1}>
          People
        </h1>
        <label class="check">
          <input
            type="checkbox"
            checked={showHidden}
            onChange={(e) => setShowHidden((e.currentTarget as HTMLInputElement).checked)}
          />
          Show hidden people
        </label>
        <button type="button" disabled={chosen.size < 2} onClick={merge}>
          Merge selected ({chosen.size})
        </button>
      </div>
      {message && (
        <p class="notice" role="status">
          {message}
        </p>
      )}
      {people && !shown.length && <p class="empty">No people yet: they appear once faces are found in your photos.</p>}
      <ul class="cards">
        {shown.map((p) => (
          <PersonCard
            key={p.id}
            session={session}
            person={p}
            chosen={chosen.has(p.id)}
            onToggle={() => toggle(p.id)}
            act={act}
          />
        ))}
      </ul>
    </main>
  );
};

const PersonCard = (props: {
  session: Session;
  person: Person;
  chosen: boolean;
  onToggle: () => void;
  act: (work: () => Promise<string>) => Promise<void>;
}) => {
  const { person } = props;
  const { client } = props.session;
  const [name, setName] = useState(person.name ?? '');
  const label = person.name || 'Unnamed person';
  const rename = (event: Event) => {
    event.preventDefault();
    return props.act(async () => {
      await unwrap(
        client.PATCH('/api/people/{id}', { params: { path: { id: person.id } }, body: { name: name.trim() || null } }),
      );
      return `Renamed to ${name.trim() || 'unnamed'}.`;
    });
  };
  const hide = () =>
    props.act(async () => {
      await unwrap(
        client.PATCH('/api/people/{id}', {
          params: { path: { id: person.id } },
          body: { is_hidden: !person.is_hidden },
        }),
      );
      return person.is_hidden ? `${label} is shown again.` : `${label} is hidden.`;
    });
  return (
    <li class={`card person${person.is_hidden ? ' hidden-person' : ''}`} data-person-id={person.id}>
      <a href={href('timeline', { person: person.id })} aria-label={`Photos of ${label}`}>
        {person.thumbnail_face_url ? (
          <img src={person.thumbnail_face_url} alt="" width={120} height={120} />
        ) : (
          <span class="no-face" />
        )}
      </a>
      <form class="inline" onSubmit={rename}>
        <label>
          <span class="visually-hidden">Name of {label}</span>
          <input
            value={name}
            placeholder="Add a name"
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Save</button>
      </form>
      <p class="count">
        {person.asset_count} {person.asset_count === 1 ? 'photo' : 'photos'}
      </p>
      <label class="check">
        <input type="checkbox" checked={props.chosen} onChange={props.onToggle} />
        Select {label}
      </label>
      <button type="button" class="link" onClick={hide}>
        {person.is_hidden ? 'Show' : 'Hide'}
      </button>
    </li>
  );
};
