import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createClients } from '#shared/aws/clients.ts';
import { api } from '#test/helpers/api.ts';
import { uniquePng } from '#test/helpers/images.ts';
import { eventually, useLocalStack } from '#test/helpers/local-stack.ts';
import { directUpload, newKey, presignedUpload, settled } from '#test/helpers/uploads.ts';

const stack = useLocalStack({ queue: { concurrency: 4 } });

describe('the same bytes, ten times at once', () => {
  it('through both flows in one library: one asset, every upload resolving to it, one original kept', async () => {
    const key = await newKey();
    const bytes = await uniquePng(31337);
    const direct: { id: string; state: string }[] = [];
    const uploads = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? directUpload(stack().apiUrl, key, bytes, `${i}.png`).then((r) => {
              direct.push(r.body);
              return r.body.id as string;
            })
          : presignedUpload(stack().apiUrl, key, bytes, `${i}.png`, 'image/png').then(
              (r) => r.created.body.asset_id as string,
            ),
      ),
    );
    const resolved = await Promise.all(
      uploads.map((id) => settled(stack().apiUrl, key, id).then((a) => a.id as string)),
    );
    expect(new Set(resolved).size).toBe(1);
    const [winner] = resolved;
    // A direct upload answers only once processed: with the ready winner, never a pending holder.
    expect(direct.map((a) => [a.id, a.state])).toEqual(direct.map(() => [winner, 'ready']));
    const listed = await api(stack().apiUrl, key).get('/api/assets?limit=200');
    expect(listed.body.data.map((a: { id: string }) => a.id)).toEqual([winner]);

    const config = stack().config;
    const owner = /originals\/(user_[^/?]+)\//.exec(decodeURIComponent(listed.body.data[0].download_url))?.[1];
    const originals = await eventually(async () => {
      await new Promise((r) => setTimeout(r, 200));
      const { visible, inFlight } = stack().queue.counts();
      if (visible + inFlight > 0) return undefined;
      const { Contents } = await createClients(config).s3.send(
        new ListObjectsV2Command({ Bucket: config.ORIGINALS_BUCKET, Prefix: `originals/${owner}/` }),
      );
      return Contents ?? [];
    });
    expect(originals.map((o) => o.Key)).toEqual([`originals/${owner}/${winner}`]);
  });
});
