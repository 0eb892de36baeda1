import { useEffect, useRef, useState } from 'preact/hooks';
import { type Schemas, unwrap } from '#shared/client/index.ts';
import type { Asset } from '../asset.ts';
import { href } from '../route.ts';
import { problem, type Session } from '../session.ts';

// An asset's faces: boxes over the preview with their people's names, and the list that names
// or renames them (a face without a person gets a new one).

type Face = Schemas['FaceResponse'];
type Person = Schemas['PersonResponse'];

export const FaceBoxes = ({ asset }: { asset: Asset }) => {
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

export const FacePeople = ({
  session,
  asset,
  onChanged,
}: {
  session: Session;
  asset: Asset;
  onChanged: () => void;
}) => {
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
