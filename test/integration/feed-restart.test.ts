import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { composeAccounts } from '#functions/compose-accounts.ts';
import { startLocalStack } from '#infra/local/stack.ts';
import { api } from '#test/helpers/api.ts';
import { readFeed } from '#test/helpers/feed.ts';

// The local stream is durable: changes the writer had not written when the stack stopped (here a
// writer that fails every time) are in `.data/stream.json`, and the next start writes them, once.

it('changes still in the stream when the stack stops are written after the next start, each once', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'darkroom-feed-restart-'));
  try {
    const broken = await startLocalStack({
      dataDir,
      faceStage: false,
      feedRetryDelayMs: 50,
      wrapFeedWriter: () => async () => {
        throw new Error('the feed writer is down');
      },
    });
    let key = '';
    const ids: string[] = [];
    try {
      key = (await composeAccounts(broken.config).createApiKey('restart')).key;
      for (const name of ['a', 'b', 'c'])
        ids.push((await api(broken.apiUrl, key).post('/api/people', { name })).body.id);
      expect(broken.stream.pending).toBe(3);
      expect((await api(broken.apiUrl, key).get('/api/events')).body).toEqual({ data: [], has_more: false });
    } finally {
      await broken.stop();
    }
    const healed = await startLocalStack({ dataDir, faceStage: false });
    try {
      await healed.stream.drained();
      const events = await readFeed(healed.apiUrl, key);
      expect(events.map((e) => [e.entity_id, e.event_type])).toEqual(ids.map((id) => [id, 'person_created']));
      expect(events.map((e) => e.cursor)).toEqual(['1', '2', '3'].map((n) => n.padStart(16, '0')));
    } finally {
      await healed.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}, 60_000);
