import { z } from 'zod';
import { idPattern } from '#shared/domain/ids.ts';
import { TASK_TYPES } from '#shared/domain/tasks.ts';

// The response shapes of the face, people and task routes: the SDK's models (FaceResponse,
// PersonResponse, TaskResponse) plus the upload contract's `thumbnail_url` / `thumbnail_face_url`.

const instant = z.iso.datetime({ offset: true });
const faceId = z.string().regex(idPattern('face'));
const personId = z.string().regex(idPattern('person'));

/** The face's crop, the one rung a face or a person has, as the SDK's AssetVariant. */
const thumbnailUrls = z.strictObject({
  thumbnail: z
    .strictObject({ mimetype: z.literal('image/jpeg'), url: z.url(), width: z.number().int().positive().nullable() })
    .optional(),
});

export const clusterAssignmentResponse = z
  .strictObject({
    distance_to_person: z.number().nullable(),
    candidates: z.array(z.strictObject({ person_id: personId, name: z.string().nullable(), distance: z.number() })),
  })
  .meta({ id: 'ClusterAssignment' });

export const faceResponse = z
  .strictObject({
    id: faceId,
    asset_id: z.string().regex(idPattern('asset')),
    bounding_box: z.strictObject({
      x: z.number().int(),
      y: z.number().int(),
      w: z.number().int(),
      h: z.number().int(),
    }),
    created_at: instant,
    updated_at: instant,
    source: z.enum(['automatic', 'manual']),
    confidence: z.number().nullable(),
    person_id: personId.nullable(),
    timestamp_ms: z.number().int().nullable(),
    asset_urls: thumbnailUrls,
    thumbnail_url: z.url(),
    cluster_assignment: clusterAssignmentResponse.optional(),
  })
  .meta({ id: 'FaceResponse' });

export const clusterMetricsResponse = z
  .strictObject({
    face_count: z.number().int().nonnegative(),
    pairwise_mean: z.number(),
    pairwise_p90: z.number(),
  })
  .meta({ id: 'ClusterMetrics' });

export const personResponse = z
  .strictObject({
    id: personId,
    created_at: instant,
    updated_at: instant,
    is_favorite: z.boolean(),
    is_hidden: z.boolean(),
    name: z.string().nullable(),
    birth_date: z.iso.date().nullable(),
    thumbnail_face_id: faceId.nullable(),
    asset_count: z.number().int().nonnegative(),
    asset_urls: thumbnailUrls,
    thumbnail_face_url: z.url().nullable(),
    cluster_metrics: clusterMetricsResponse.nullable().optional(),
  })
  .meta({ id: 'PersonResponse' });

export const faceListResponse = z
  .strictObject({ data: z.array(faceResponse), has_more: z.boolean() })
  .meta({ id: 'FaceList' });
export const personListResponse = z
  .strictObject({ data: z.array(personResponse), has_more: z.boolean() })
  .meta({ id: 'PersonList' });

export const taskResponse = z
  .strictObject({
    id: z.string().regex(idPattern('btask')),
    asset_id: z.string().regex(idPattern('asset')),
    celery_task_id: z.string().min(1),
    created_at: instant,
    started_at: instant.nullable(),
    completed_at: instant.nullable(),
    error_message: z.string().nullable(),
    result: z.string().nullable(),
    retry_count: z.number().int().nonnegative(),
    status: z.enum(['pending', 'started', 'success', 'failure']),
    task_type: z.enum(TASK_TYPES),
  })
  .meta({ id: 'TaskResponse' });

export type FaceResponse = z.infer<typeof faceResponse>;
export type PersonResponse = z.infer<typeof personResponse>;
export type TaskResponse = z.infer<typeof taskResponse>;
