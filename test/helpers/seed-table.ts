import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Asset } from '#shared/domain/asset.ts';

// Libraries seeded straight into the table, for benchmarks and tests that need many assets without
// uploading them: a ready photo's fields, and a batch writer that retries what DynamoDB left over.

/** A ready JPEG, 4000×3000, of 1000 bytes; the caller gives its id, owner, library and time. */
export const readyPhoto = (
  i: number,
  fields: Pick<Asset, 'id' | 'owner' | 'libraryId' | 'localDatetime'> & Partial<Asset>,
): Asset => ({
  state: 'ready',
  deviceAssetId: `d${i}`,
  deviceId: 'bench',
  originalFileName: `${i}.jpg`,
  declaredMimeType: 'image/jpeg',
  mimeType: 'image/jpeg',
  fileCreatedAt: '2020-01-01T00:00:00Z',
  fileModifiedAt: '2020-01-01T00:00:00Z',
  fileSizeBytes: 1000,
  width: 4000,
  height: 3000,
  createdAt: '2024-01-01T00:00:00Z',
  updatedAt: '2024-01-01T00:00:00Z',
  ...fields,
});

/** Puts every item, 25 a request and `writers` requests at once, until none is left unprocessed. */
export const putAll = async (
  dynamo: DynamoDBDocumentClient,
  table: string,
  items: Record<string, unknown>[],
  writers = 8,
) => {
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let start = next; start < items.length; start = next) {
        next += 25;
        let pending = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
        while (pending.length) {
          const result = await dynamo.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = (result.UnprocessedItems?.[table] as typeof pending | undefined) ?? [];
        }
      }
    }),
  );
};
