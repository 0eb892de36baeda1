import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { assetAdapters, composeAssets } from '#functions/compose-assets.ts';
import { createClients } from '#shared/aws/clients.ts';
import type { Config } from '#shared/config.ts';
import type { AssetRepository, MediaProcessor, ObjectStorage } from '#shared/domain/ports.ts';
import type { AssetProcessor } from '#shared/domain/process-asset.ts';
import { parseObjectCreated } from '#shared/events/object-created.ts';
import { DynamoAssets } from '#shared/table/dynamo-assets.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { useLocalStack } from '#test/helpers/local-stack.ts';
import { newKey, presignedUpload, settled } from '#test/helpers/uploads.ts';

type CrashPoint = 'after hashing' | 'after thumbnails' | 'after the claim' | 'before the final write';
/** Asset id → where its first processing attempt dies. */
const crashes = new Map<string, CrashPoint>();
const attempts = new Map<string, number>();

const crash = (id: string, point: CrashPoint) => {
  if (crashes.get(id) !== point) return;
  crashes.delete(id);
  throw new Error(`injected crash ${point}`);
};

/** The real composition root, its adapters each wrapped so a chosen step can die once, as a Lambda killed mid-flight would. */
const faultyProcessor = (config: Config) => {
  const { assets, storage, media } = assetAdapters(config);
  const wrappedMedia: MediaProcessor = {
    sniff: (file) => media.sniff(file),
    inspect: async (file) => {
      for (const [id] of crashes) if (file.size > 0 && attempts.has(id)) crash(id, 'after hashing');
      return media.inspect(file);
    },
    render: (file, inspection) => media.render(file, inspection),
  };
  const wrappedAssets: AssetRepository = Object.assign(Object.create(assets), {
    claimChecksum: async (asset: Parameters<AssetRepository['claimChecksum']>[0]) => {
      crash(asset.id, 'after thumbnails');
      return assets.claimChecksum(asset);
    },
    save: async (asset: Parameters<AssetRepository['save']>[0]) => {
      crash(asset.id, 'before the final write');
      return assets.save(asset);
    },
  });
  const wrappedStorage: ObjectStorage = Object.assign(Object.create(storage), {
    putDerived: async (key: string, body: Buffer, type: string) => {
      const id = key.split('/')[2] ?? '';
      crash(id, 'after the claim');
      return storage.putDerived(key, body, type);
    },
  });
  return composeAssets(config, { assets: wrappedAssets, storage: wrappedStorage, media: wrappedMedia }).processor;
};

let processor: AssetProcessor | undefined;
const handler = async (event: SQSEvent) => {
  processor ??= faultyProcessor(stack().config);
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    for (const object of parseObjectCreated(record.body) ?? []) {
      const id = object.key.split('/')[2] ?? '';
      attempts.set(id, (attempts.get(id) ?? 0) + 1);
      try {
        await processor.handleObject(object);
      } catch {
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
  }
  return { batchItemFailures };
};

// Both timeouts shrunk in the cloud's ratio, so a redelivery comes within seconds. An attempt slower
// than the timeout on a busy machine is retried too (an extra attempt, which the processor must bear).
const stack = useLocalStack({ processor: handler, queue: { timeoutMs: 1_000 } });

describe('a processor that dies mid-way', () => {
  for (const point of ['after hashing', 'after thumbnails', 'after the claim', 'before the final write'] as const) {
    it(`${point}: the redelivery ends with one asset, one claim and one set of derived files`, async () => {
      const key = await newKey();
      const bytes = await uniquePng(8000 + point.length);
      const { created } = await presignedUpload(stack().apiUrl, key, bytes, 'c.png', 'image/png', {}, (id) =>
        crashes.set(id, point),
      );
      const asset = await settled(stack().apiUrl, key, created.body.asset_id);
      expect(asset.state).toBe('ready');
      expect(attempts.get(asset.id)).toBeGreaterThanOrEqual(2);
      expect(crashes.has(asset.id)).toBe(false);

      const config = stack().config;
      const { dynamo, s3 } = createClients(config);
      const assets = new DynamoAssets(dynamo, config.TABLE_NAME);
      const record = await assets.get(asset.id);
      expect(await assets.findChecksum(record?.libraryId ?? '', asset.checksum)).toBe(asset.id);
      const sameBytes = await dynamo.send(
        new ScanCommand({
          TableName: config.TABLE_NAME,
          FilterExpression: 'checksum = :c',
          ExpressionAttributeValues: { ':c': asset.checksum },
        }),
      );
      // The asset record and its claim, nothing else carries these bytes' checksum as its key.
      expect(sameBytes.Items?.filter((i) => i.sk === 'ASSET').map((i) => i.id)).toEqual([asset.id]);
      expect(sameBytes.Items?.filter((i) => String(i.sk).startsWith('SHA256#')).map((i) => i.assetId)).toEqual([
        asset.id,
      ]);
      const derived = await s3.send(
        new ListObjectsV2Command({ Bucket: config.DERIVED_BUCKET, Prefix: `derived/${record?.owner}/` }),
      );
      expect(derived.Contents?.map((o) => o.Key?.split('/').slice(2).join('/')).sort()).toEqual([
        `${asset.id}/preview.jpeg`,
        `${asset.id}/thumbnail.webp`,
      ]);
    });
  }
});
