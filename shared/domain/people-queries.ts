import type { Accounts } from './accounts.ts';
import type { AlbumMembers, AlbumRepository } from './album-ports.ts';
import { ownedAlbum } from './album-queries.ts';
import { ownedAsset } from './asset-queries.ts';
import { Conflict, Invalid, NotFound } from './errors.ts';
import type { FaceRepository } from './face-ports.ts';
import { ownedPerson } from './face-queries.ts';
import { isNamed, type Person } from './faces.ts';
import { newId } from './ids.ts';
import type { PeopleClustering } from './people-clustering.ts';
import type { AssetRepository, Clock } from './ports.ts';

export const PEOPLE_SORTS = [
  'created_at_desc',
  'created_at_asc',
  'name_asc',
  'name_desc',
  'asset_count_desc',
  'asset_count_asc',
] as const;
export type PeopleSort = (typeof PEOPLE_SORTS)[number];

export interface PeopleListQuery {
  libraryId?: string;
  sort: PeopleSort;
  name?: string;
  nameFilter?: 'named' | 'unnamed' | 'all';
  ids?: string[];
  assetId?: string;
  /** Only the people with a face in one of the album's assets. */
  albumId?: string;
  limit: number;
  startingAfterId?: string;
}

/** What a caller may set on a person; `null` clears a field. */
export interface PersonFields {
  name?: string | null;
  birthDate?: string | null;
  isHidden?: boolean;
  isFavorite?: boolean;
  thumbnailFaceId?: string | null;
}

export interface PeopleQueriesDeps {
  accounts: Accounts;
  assets: AssetRepository;
  faces: FaceRepository;
  clustering: PeopleClustering;
  clock: Clock;
  albums?: Pick<AlbumRepository, 'getAlbum'>;
  members?: Pick<AlbumMembers, 'membersOfAlbum'>;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

const comparators: Record<PeopleSort, (a: Person, b: Person) => number> = {
  created_at_desc: (a, b) => b.createdAt.localeCompare(a.createdAt),
  created_at_asc: (a, b) => a.createdAt.localeCompare(b.createdAt),
  // Unnamed people sort last in both directions, as upstream documents.
  name_asc: (a, b) => byName(a, b, 1),
  name_desc: (a, b) => byName(a, b, -1),
  asset_count_desc: (a, b) => b.assetCount - a.assetCount,
  asset_count_asc: (a, b) => a.assetCount - b.assetCount,
};

const byName = (a: Person, b: Person, sign: number) =>
  isNamed(a) && isNamed(b)
    ? sign * collator.compare(a.name ?? '', b.name ?? '')
    : Number(!isNamed(a)) - Number(!isNamed(b));

/** People, always within the caller's own libraries. */
export class PeopleQueries {
  constructor(private readonly deps: PeopleQueriesDeps) {}

  get(owner: string, id: string): Promise<Person> {
    return ownedPerson(this.deps.faces, owner, id);
  }

  async list(owner: string, query: PeopleListQuery): Promise<{ people: Person[]; hasMore: boolean }> {
    const { faces, accounts } = this.deps;
    const nameFilter = query.nameFilter ?? (query.ids ? 'all' : 'named');
    if (nameFilter === 'unnamed' && query.sort.startsWith('name_'))
      throw new Invalid('sort: name sorts cannot be combined with name_filter=unnamed');
    const asset = query.assetId ? await ownedAsset(this.deps.assets, owner, query.assetId) : undefined;
    const album = query.albumId ? await this.album(owner, query.albumId) : undefined;
    const libraryId = query.libraryId
      ? (await accounts.getLibrary(owner, query.libraryId)).id
      : (asset?.libraryId ?? album?.libraryId ?? (await accounts.resolveLibrary(owner)));
    const inAsset = asset && new Set((await faces.facesOfAsset(asset.id)).flatMap((f) => f.personId ?? []));
    const inAlbum = album && (await this.peopleOfAlbum(album.id));
    const ids = query.ids && new Set(query.ids);
    const needle = query.name?.toLocaleLowerCase();
    // Ties in every order fall back on the id, so a cursor finds its place again.
    const sorted = (await faces.people(libraryId))
      .filter(
        (p) =>
          (nameFilter === 'all' || (nameFilter === 'named') === isNamed(p)) &&
          (!needle || (p.name ?? '').toLocaleLowerCase().includes(needle)) &&
          (!ids || ids.has(p.id)) &&
          (!inAsset || inAsset.has(p.id)) &&
          (!inAlbum || inAlbum.has(p.id)),
      )
      .sort((a, b) => comparators[query.sort](a, b) || (a.id < b.id ? -1 : 1));
    let start = 0;
    if (query.startingAfterId) {
      const at = sorted.findIndex((p) => p.id === query.startingAfterId);
      if (at < 0) throw new Invalid('starting_after_id: no such person in these results');
      start = at + 1;
    }
    const rest = sorted.slice(start);
    return { people: rest.slice(0, query.limit), hasMore: rest.length > query.limit };
  }

  async create(owner: string, fields: PersonFields & { libraryId?: string }): Promise<Person> {
    const libraryId = await this.deps.accounts.writableLibrary(owner, fields.libraryId);
    if (fields.thumbnailFaceId) await this.faceOfLibrary(owner, fields.thumbnailFaceId, libraryId);
    const now = this.deps.clock.now().toISOString();
    const person: Person = {
      id: newId('person'),
      libraryId,
      owner,
      ...(fields.name && { name: fields.name }),
      ...(fields.birthDate && { birthDate: fields.birthDate }),
      isHidden: fields.isHidden ?? false,
      isFavorite: fields.isFavorite ?? false,
      ...(fields.thumbnailFaceId && { thumbnailFaceId: fields.thumbnailFaceId }),
      faceCount: 0,
      assetCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.faces.createPerson(person);
    return person;
  }

  async update(owner: string, id: string, fields: PersonFields): Promise<Person> {
    const person = await this.get(owner, id);
    if (fields.thumbnailFaceId) await this.faceOfLibrary(owner, fields.thumbnailFaceId, person.libraryId);
    const orNone = <T>(value: T | null | undefined) => (value === null || value === '' ? undefined : value);
    const changes = {
      ...(fields.name !== undefined && { name: orNone(fields.name) }),
      ...(fields.birthDate !== undefined && { birthDate: orNone(fields.birthDate) }),
      ...(fields.isHidden !== undefined && { isHidden: fields.isHidden }),
      ...(fields.isFavorite !== undefined && { isFavorite: fields.isFavorite }),
      ...(fields.thumbnailFaceId !== undefined && { thumbnailFaceId: orNone(fields.thumbnailFaceId) }),
    };
    const updated = await this.deps.faces.updatePerson(id, {
      ...changes,
      updatedAt: this.deps.clock.now().toISOString(),
    });
    if (!updated) throw new Conflict('the person was deleted meanwhile');
    return updated;
  }

  /**
   * Deletes the person, never its faces: they become no one's and, as upstream says, are
   * clustered again on the next pass (not pinned), so a face of a wrongly split person finds its
   * way to the right one.
   */
  async remove(owner: string, id: string): Promise<void> {
    const { faces } = this.deps;
    const person = await this.get(owner, id);
    for (const face of await faces.facesOfPerson(id)) {
      if (!(await faces.assign(face, undefined, id, false)))
        throw new Conflict('the person’s faces changed meanwhile; retry');
    }
    await faces.deletePerson(person);
  }

  /** Moves the sources' faces to the target (pinned: a merge is a decision by hand), then deletes the sources. */
  async merge(owner: string, targetId: string, sourceIds: string[]): Promise<Person> {
    const { faces, clustering } = this.deps;
    const target = await this.get(owner, targetId);
    const sources: Person[] = [];
    for (const id of new Set(sourceIds)) {
      if (id === targetId) throw new Invalid('source_person_ids: a person cannot be merged into itself');
      const source = await this.get(owner, id);
      if (source.libraryId !== target.libraryId)
        throw new Invalid(`source_person_ids: ${id} is in another library than the target`);
      sources.push(source);
    }
    let moved = 0;
    try {
      for (const source of sources) {
        for (const face of await faces.facesOfPerson(source.id)) {
          if (await faces.assign(face, target.id, source.id, true)) {
            moved++;
            continue;
          }
          // The index a moment behind, or the face moved meanwhile: only one still on the source conflicts.
          if ((await faces.getFace(face.id))?.personId === source.id)
            throw new Conflict('a face of the merged people changed meanwhile; retry');
        }
        await faces.deletePerson(source);
      }
    } finally {
      // Also after a merge that stopped midway: the target's numbers count what it has.
      // A refresh removes a person with no face: a target made by hand and still empty stays.
      if (moved > 0) await clustering.refresh([target.id]);
    }
    return this.get(owner, target.id);
  }

  private album(owner: string, id: string) {
    const { albums } = this.deps;
    if (!albums) throw new NotFound('album not found');
    return ownedAlbum(albums, owner, id);
  }

  /** The people with a face in any of the album's assets: one faces read per asset. */
  private async peopleOfAlbum(albumId: string): Promise<Set<string>> {
    const members = (await this.deps.members?.membersOfAlbum(albumId)) ?? [];
    const faces = await Promise.all(members.map((m) => this.deps.faces.facesOfAsset(m.assetId)));
    return new Set(faces.flat().flatMap((f) => f.personId ?? []));
  }

  private async faceOfLibrary(owner: string, faceId: string, libraryId: string) {
    const face = await this.deps.faces.getFace(faceId);
    if (!face || face.owner !== owner || face.libraryId !== libraryId)
      throw new Invalid('thumbnail_face_id: not a face of this person’s library');
  }
}
