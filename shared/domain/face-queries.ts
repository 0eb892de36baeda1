import { derivedKeys, faceCropKey } from '#shared/object-keys.ts';
import type { Accounts } from './accounts.ts';
import { ownedAsset } from './asset-queries.ts';
import { Conflict, Invalid, NotFound } from './errors.ts';
import type { FaceDetector, FaceRepository } from './face-ports.ts';
import { type Box, cosineDistance, type Face, type Person } from './faces.ts';
import { newId } from './ids.ts';
import type { PeopleClustering } from './people-clustering.ts';
import type { AssetRepository, Clock, ObjectStorage } from './ports.ts';

/** Cuts a face's crop out of an asset's preview (the face detector's, or sharp's alone). */
export type FaceCropper = Pick<FaceDetector, 'crop'>;

export interface FaceQueriesDeps {
  accounts: Accounts;
  assets: AssetRepository;
  faces: FaceRepository;
  clustering: PeopleClustering;
  storage: ObjectStorage;
  cropper: FaceCropper;
  clock: Clock;
}

export interface FaceListQuery {
  libraryId?: string;
  assetId?: string;
  personId?: string;
  ids?: string[];
  limit: number;
  startingAfterId?: string;
}

export interface NewFace {
  assetId: string;
  box: Box;
  libraryId?: string;
  personId?: string;
}

/** Where a face stands among its library's people: how far from its own, and who else is near. */
export interface ClusterAssignment {
  distanceToPerson?: number;
  candidates: { personId: string; name?: string; distance: number }[];
}

const CANDIDATES = 5;
const FACE_NOT_FOUND = 'face not found';
const PERSON_NOT_FOUND = 'person not found';

/** The caller's person by id; someone else's and none at all look the same. */
export const ownedPerson = async (faces: FaceRepository, owner: string, id: string): Promise<Person> => {
  const person = await faces.getPerson(id);
  if (!person || person.owner !== owner) throw new NotFound(PERSON_NOT_FOUND);
  return person;
};

/** Faces, always within the caller's own libraries; a face placed by hand is pinned there. */
export class FaceQueries {
  constructor(private readonly deps: FaceQueriesDeps) {}

  async create(owner: string, input: NewFace): Promise<Face> {
    const { faces, storage, cropper, clock, clustering } = this.deps;
    if (input.libraryId) await this.deps.accounts.getLibrary(owner, input.libraryId);
    const asset = await ownedAsset(this.deps.assets, owner, input.assetId);
    if (input.libraryId && asset.libraryId !== input.libraryId) throw new NotFound('asset not found');
    if (asset.state !== 'ready' || !asset.width || !asset.height)
      throw new Invalid('asset_id: the asset is not processed yet');
    const { x, y, w, h } = input.box;
    if (x + w > asset.width || y + h > asset.height)
      throw new Invalid(`bounding_box: must fit inside the asset (${asset.width}×${asset.height})`);
    if (input.personId) await this.personOfLibrary(owner, input.personId, asset.libraryId);
    const preview = await storage.readDerived(derivedKeys(asset).preview);
    if (preview === 'missing') throw new Invalid('asset_id: the asset has no preview; reprocess it');
    const now = clock.now().toISOString();
    const face: Face = {
      id: newId('face'),
      assetId: asset.id,
      libraryId: asset.libraryId,
      owner,
      box: input.box,
      source: 'manual',
      ...(input.personId && { personId: input.personId, pinned: true }),
      createdAt: now,
      updatedAt: now,
    };
    const crop = await cropper.crop(preview, { width: asset.width, height: asset.height }, input.box);
    await storage.putDerived(faceCropKey(asset, face.id), crop, 'image/jpeg');
    await faces.putFace(face);
    if (input.personId) await clustering.refresh([input.personId]);
    return face;
  }

  async get(owner: string, id: string, libraryId?: string): Promise<Face> {
    const face = await this.deps.faces.getFace(id);
    if (!face || face.owner !== owner || (libraryId && face.libraryId !== libraryId))
      throw new NotFound(FACE_NOT_FOUND);
    return face;
  }

  /** A library's faces in id order, narrowed by asset, person and ids (all that are given). */
  async list(owner: string, query: FaceListQuery): Promise<{ faces: Face[]; hasMore: boolean }> {
    const { faces, accounts, assets } = this.deps;
    const asset = query.assetId ? await ownedAsset(assets, owner, query.assetId) : undefined;
    const person = query.personId ? await ownedPerson(faces, owner, query.personId) : undefined;
    const libraryId = query.libraryId
      ? (await accounts.getLibrary(owner, query.libraryId)).id
      : (asset?.libraryId ?? person?.libraryId ?? (await accounts.resolveLibrary(owner)));
    if (!asset && !person && !query.ids) {
      const page = await faces.facesOfLibrary(libraryId, query.limit, query.startingAfterId);
      return { faces: page.items, hasMore: page.hasMore };
    }
    const found = asset
      ? await faces.facesOfAsset(asset.id)
      : person
        ? await faces.facesOfPerson(person.id)
        : (await Promise.all((query.ids ?? []).map((id) => faces.getFace(id)))).flatMap((f) => (f ? [f] : []));
    const ids = query.ids && new Set(query.ids);
    const after = query.startingAfterId;
    const matching = found
      .filter(
        (f) =>
          f.owner === owner &&
          f.libraryId === libraryId &&
          (!asset || f.assetId === asset.id) &&
          (!person || f.personId === person.id) &&
          (!ids || ids.has(f.id)) &&
          (!after || f.id > after),
      )
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    return { faces: matching.slice(0, query.limit), hasMore: matching.length > query.limit };
  }

  /** Places a face on a person by hand (pinned), or takes it off its person (`undefined`). */
  async assign(owner: string, id: string, personId: string | undefined, libraryId?: string): Promise<Face> {
    const { faces, clustering } = this.deps;
    const face = await this.get(owner, id, libraryId);
    if (personId) await this.personOfLibrary(owner, personId, face.libraryId);
    // A face taken off by hand stays no one's (pinned): clustering would put it right back.
    if (!(await faces.assign(face, personId, face.personId, true)))
      throw new Conflict('the face changed meanwhile; retry the request');
    await clustering.refresh([face.personId, personId].flatMap((p) => (p ? [p] : [])));
    return this.get(owner, id);
  }

  /** Removes the face and its crop; a person left with no face goes with it. */
  async remove(owner: string, id: string, libraryId?: string): Promise<void> {
    const { faces, storage, clustering } = this.deps;
    const face = await this.get(owner, id, libraryId);
    await storage.deleteDerived([faceCropKey({ owner, id: face.assetId }, face.id)]);
    await faces.deleteFace(face);
    if (face.personId) await clustering.refresh([face.personId]);
  }

  /** Each face's distance to its person and its nearest other people of the library. */
  async clusterAssignments(faces: Face[]): Promise<Map<string, ClusterAssignment>> {
    const libraries = [...new Set(faces.map((f) => f.libraryId))];
    const people = (await Promise.all(libraries.map((l) => this.deps.faces.people(l)))).flat();
    return new Map(faces.map((face) => [face.id, clusterAssignment(face, people)]));
  }

  private async personOfLibrary(owner: string, personId: string, libraryId: string): Promise<Person> {
    const person = await ownedPerson(this.deps.faces, owner, personId);
    if (person.libraryId !== libraryId) throw new Invalid('person_id: the person is in another library');
    return person;
  }
}

export const clusterAssignment = (face: Face, people: Person[]): ClusterAssignment => {
  const { descriptor } = face;
  if (!descriptor) return { candidates: [] };
  const own = people.find((p) => p.id === face.personId);
  const candidates = people
    .filter((p) => p.id !== face.personId && p.libraryId === face.libraryId)
    .flatMap((p) =>
      p.centroid
        ? [{ personId: p.id, ...(p.name && { name: p.name }), distance: cosineDistance(descriptor, p.centroid) }]
        : [],
    )
    .sort((a, b) => a.distance - b.distance)
    .slice(0, CANDIDATES);
  return { ...(own?.centroid && { distanceToPerson: cosineDistance(descriptor, own.centroid) }), candidates };
};
