import { z } from 'zod';
import type { FaceWork } from '#shared/domain/face-ports.ts';

// The one definition of the face queue's message body: what the processor and `reprocess
// --faces` send, and what the face stage reads.

const schema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('detect'), assetId: z.string().min(1), force: z.boolean().optional() }),
  z.object({ kind: z.literal('cluster'), libraryId: z.string().min(1), owner: z.string().min(1) }),
]);

export const faceWorkBody = (work: FaceWork): string => JSON.stringify(work);

/** The work a message carries, or undefined for a body that can never be face work. */
export const parseFaceWork = (body: string): FaceWork | undefined => {
  try {
    const parsed = schema.safeParse(JSON.parse(body));
    return parsed.success ? (parsed.data as FaceWork) : undefined;
  } catch {
    return undefined;
  }
};
