// An asset's background stages as the Gumnut SDK models them (`tasks.list_for_asset`).

/** The stages Darkroom runs; the processor's in one step, the face stage's after it. */
export const TASK_TYPES = [
  'thumbhash',
  'reverse_geocoding',
  'image_quality',
  'video_thumbnail_extract',
  'video_metadata_extract',
  'face_detection',
  'face_clustering',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];
export type TaskStatus = 'pending' | 'started' | 'success' | 'failure';

export interface Task {
  assetId: string;
  libraryId: string;
  owner: string;
  type: TaskType;
  status: TaskStatus;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  /** The last failed attempt's reason, in words; kept after a later success, as the SDK says. */
  error?: string;
  result?: string;
  /** Attempts before this one. */
  retryCount: number;
  /** The queue message that carried the work. */
  deliveryId: string;
  /** Which version of the stage produced `success`, so a newer one runs again. */
  version?: number;
}
