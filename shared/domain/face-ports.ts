// The small interfaces the face stage and the face and people routes depend on.
import type { Box, Face, Person } from './faces.ts';
import type { Task, TaskType } from './tasks.ts';

export interface DetectedFace {
  box: Box;
  confidence: number;
  descriptor: Float32Array;
}

/** Throws MediaRejected for bytes it cannot read; any other error is the stage's and is retried. */
export interface FaceDetector {
  /** Faces in an image (an asset's preview), boxes scaled to the asset's display size. */
  detect(image: Buffer, display: { width: number; height: number }): Promise<DetectedFace[]>;
  /** A small square JPEG around a display-pixel box of the same image. */
  crop(image: Buffer, display: { width: number; height: number }, box: Box): Promise<Buffer>;
}

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

export interface FaceRepository {
  getFace(id: string): Promise<Face | undefined>;
  facesOfAsset(assetId: string): Promise<Face[]>;
  facesOfPerson(personId: string): Promise<Face[]>;
  /** A library's faces in id order, after `startAfter`. */
  facesOfLibrary(libraryId: string, limit: number, startAfter?: string): Promise<Page<Face>>;
  /** The library's faces clustering may still place: described, automatic, with no person. */
  unassigned(libraryId: string): Promise<Face[]>;
  putFace(face: Face): Promise<void>;
  /**
   * A face the detector found: written whole when new; when it is there already, only what
   * detection says (box, score, descriptor), so the person it was given meanwhile stays.
   */
  putDetected(face: Face): Promise<void>;
  deleteFace(face: Face): Promise<void>;
  /** Gives the face a person (or none) only while it still has `expected`; answers whether it did. */
  assign(face: Face, personId: string | undefined, expected: string | undefined, pinned: boolean): Promise<boolean>;
  getPerson(id: string): Promise<Person | undefined>;
  people(libraryId: string): Promise<Person[]>;
  /** Creates a person; an id already there is this very write, retried. */
  createPerson(person: Person): Promise<void>;
  /** Sets the given fields (undefined removes one) of a person that still exists; answers the result. */
  updatePerson(
    id: string,
    changes: Partial<Omit<Person, 'id' | 'libraryId' | 'owner' | 'createdAt'>>,
  ): Promise<Person | undefined>;
  deletePerson(person: Person): Promise<void>;
  /** Takes the library's clustering lease until the instant unless another holder has it. */
  lease(libraryId: string, holder: string, untilMs: number, nowMs: number): Promise<boolean>;
  release(libraryId: string, holder: string): Promise<void>;
}

export interface TaskRepository {
  put(task: Task): Promise<void>;
  get(assetId: string, type: TaskType): Promise<Task | undefined>;
  ofAsset(assetId: string): Promise<Task[]>;
  removeOfAsset(assetId: string): Promise<void>;
}

/** The face stage's queue: the processor sends each asset it made ready. */
export interface FaceQueue {
  enqueue(work: FaceWork[]): Promise<void>;
}

export type FaceWork =
  | { kind: 'detect'; assetId: string; force?: boolean }
  | { kind: 'cluster'; libraryId: string; owner: string };
