import type { FaceResponse, PersonResponse, TaskResponse } from '#functions/api/routes/face-outputs.ts';
import type { AssetTask } from '#shared/domain/asset-tasks.ts';
import { formatInstant } from '#shared/domain/datetime.ts';
import type { FaceRepository } from '#shared/domain/face-ports.ts';
import type { ClusterAssignment } from '#shared/domain/face-queries.ts';
import type { Face, Person } from '#shared/domain/faces.ts';
import type { ObjectStorage } from '#shared/domain/ports.ts';
import { faceCropKey } from '#shared/object-keys.ts';

const instant = (iso: string) => formatInstant(new Date(iso));

const cropUrl = (storage: ObjectStorage, face: Pick<Face, 'owner' | 'assetId' | 'id'>) =>
  storage.derivedUrl(faceCropKey({ owner: face.owner, id: face.assetId }, face.id), 'image/jpeg');

/** The crop as the SDK's AssetVariant; its size is the cropper's, not known here. */
const thumbnailVariant = (url: string) => ({ thumbnail: { url, mimetype: 'image/jpeg' as const, width: null } });

export const faceResponse = async (
  face: Face,
  storage: ObjectStorage,
  assignment?: ClusterAssignment,
): Promise<FaceResponse> => {
  const url = await cropUrl(storage, face);
  return {
    id: face.id,
    asset_id: face.assetId,
    bounding_box: face.box,
    created_at: instant(face.createdAt),
    updated_at: instant(face.updatedAt),
    source: face.source,
    confidence: face.confidence ?? null,
    person_id: face.personId ?? null,
    timestamp_ms: face.timestampMs ?? null,
    asset_urls: thumbnailVariant(url),
    thumbnail_url: url,
    ...(assignment && {
      cluster_assignment: {
        distance_to_person: assignment.distanceToPerson ?? null,
        candidates: assignment.candidates.map((c) => ({
          person_id: c.personId,
          name: c.name ?? null,
          distance: c.distance,
        })),
      },
    }),
  };
};

/** A person, shown by its thumbnail face's crop (none while it has no face to show). */
export const personResponse = async (
  person: Person,
  deps: { storage: ObjectStorage; faces: FaceRepository },
  metrics = false,
): Promise<PersonResponse> => {
  const face = person.thumbnailFaceId ? await deps.faces.getFace(person.thumbnailFaceId) : undefined;
  const url = face ? await cropUrl(deps.storage, face) : null;
  return {
    id: person.id,
    created_at: instant(person.createdAt),
    updated_at: instant(person.updatedAt),
    is_favorite: person.isFavorite,
    is_hidden: person.isHidden,
    name: person.name ?? null,
    birth_date: person.birthDate ?? null,
    thumbnail_face_id: person.thumbnailFaceId ?? null,
    asset_count: person.assetCount,
    asset_urls: url ? thumbnailVariant(url) : {},
    thumbnail_face_url: url,
    ...(metrics && {
      // Upstream's metrics are there for a person with a centroid; one face has no pairs (0).
      cluster_metrics: person.centroid
        ? {
            face_count: person.faceCount,
            pairwise_mean: person.pairwise?.mean ?? 0,
            pairwise_p90: person.pairwise?.p90 ?? 0,
          }
        : null,
    }),
  };
};

export const taskResponse = (task: AssetTask): TaskResponse => ({
  id: task.id,
  asset_id: task.assetId,
  celery_task_id: task.deliveryId,
  created_at: instant(task.createdAt),
  started_at: task.startedAt ? instant(task.startedAt) : null,
  completed_at: task.completedAt ? instant(task.completedAt) : null,
  error_message: task.error ?? null,
  result: task.result ?? null,
  retry_count: task.retryCount,
  status: task.status,
  task_type: task.type,
});

/** People already shaped for this request: a list of assets often shows the same people again. */
export type PeopleCache = Map<string, Promise<PersonResponse | undefined>>;

/** An asset's faces and its people (each once), for the AssetResponse. */
export const assetFaces = async (
  assetId: string,
  deps: { storage: ObjectStorage; faces: FaceRepository },
  cache: PeopleCache = new Map(),
): Promise<{ faces: FaceResponse[]; people: PersonResponse[] }> => {
  const faces = (await deps.faces.facesOfAsset(assetId)).sort((a, b) => (a.id < b.id ? -1 : 1));
  const person = (id: string) => {
    let shaped = cache.get(id);
    if (!shaped) {
      shaped = deps.faces.getPerson(id).then((p) => p && personResponse(p, deps));
      cache.set(id, shaped);
    }
    return shaped;
  };
  const personIds = [...new Set(faces.flatMap((f) => f.personId ?? []))];
  return {
    faces: await Promise.all(faces.map((f) => faceResponse(f, deps.storage))),
    people: (await Promise.all(personIds.map(person))).flatMap((p) => p ?? []),
  };
};
