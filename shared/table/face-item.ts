import { z } from 'zod';
import type { Face, Person } from '#shared/domain/faces.ts';
import type { Task } from '#shared/domain/tasks.ts';
import { TASK_TYPES } from '#shared/domain/tasks.ts';
import {
  assetFacesPartition,
  faceItem,
  libraryFacesPartition,
  libraryPeoplePartition,
  personFacesPartition,
  personItem,
  taskItem,
  unassignedFacesPartition,
} from './keys.ts';

// Descriptors and centroids are stored as the raw bytes of their Float32Array (512 bytes, not
// 128 numbers' worth of attribute JSON).
const vector = z.instanceof(Uint8Array).transform((b) => new Float32Array(new Uint8Array(b).buffer));
export const bytesOf = (v: Float32Array) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

const faceSchema = z.object({
  id: z.string(),
  assetId: z.string(),
  libraryId: z.string(),
  owner: z.string(),
  box: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }),
  source: z.enum(['automatic', 'manual']),
  confidence: z.number().optional(),
  descriptor: vector.optional(),
  personId: z.string().optional(),
  pinned: z.boolean().optional(),
  timestampMs: z.number().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** Where a face sits in the indexes: its asset's faces, its person's (or the unplaced), its library's. */
export const faceIndexKeys = (
  face: Pick<Face, 'id' | 'assetId' | 'libraryId' | 'personId' | 'descriptor' | 'pinned'>,
) => ({
  gsi1pk: assetFacesPartition(face.assetId),
  gsi1sk: face.id,
  ...(face.personId
    ? { gsi2pk: personFacesPartition(face.personId), gsi2sk: face.id }
    : // A face detached by hand (pinned, no person) stays no one's: clustering never sees it again.
      face.descriptor && !face.pinned && { gsi2pk: unassignedFacesPartition(face.libraryId), gsi2sk: face.id }),
  gsi4pk: libraryFacesPartition(face.libraryId),
  gsi4sk: face.id,
});

export const faceToItem = (face: Face) => ({
  ...faceItem(face.id),
  ...faceIndexKeys(face),
  ...face,
  ...(face.descriptor && { descriptor: bytesOf(face.descriptor) }),
});

export const faceFromItem = (item: Record<string, unknown>): Face => faceSchema.parse(item) as Face;

const personSchema = z.object({
  id: z.string(),
  libraryId: z.string(),
  owner: z.string(),
  name: z.string().optional(),
  birthDate: z.string().optional(),
  isHidden: z.boolean(),
  isFavorite: z.boolean(),
  thumbnailFaceId: z.string().optional(),
  centroid: vector.optional(),
  faceCount: z.number(),
  assetCount: z.number(),
  pairwise: z.object({ mean: z.number(), p90: z.number() }).optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const personToItem = (person: Person) => ({
  ...personItem(person.id),
  gsi1pk: libraryPeoplePartition(person.libraryId),
  gsi1sk: person.id,
  ...person,
  ...(person.centroid && { centroid: bytesOf(person.centroid) }),
});

export const personFromItem = (item: Record<string, unknown>): Person => personSchema.parse(item) as Person;

const taskSchema = z.object({
  assetId: z.string(),
  libraryId: z.string(),
  owner: z.string(),
  type: z.enum(TASK_TYPES),
  status: z.enum(['pending', 'started', 'success', 'failure']),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  completedAt: z.string().optional(),
  error: z.string().optional(),
  result: z.string().optional(),
  retryCount: z.number(),
  deliveryId: z.string(),
  version: z.number().optional(),
});

export const taskToItem = (task: Task) => ({ ...taskItem(task.assetId, task.type), ...task });
export const taskFromItem = (item: Record<string, unknown>): Task => taskSchema.parse(item) as Task;
