import './quiet.ts';
import { composeAccounts } from '#functions/compose-accounts.ts';
import { startLocalStack } from '#infra/local/stack.ts';
import { comparison, record } from './harness.ts';

// Feed lag on the local stack: from sending a write to the API until GET /api/events shows its
// event, next to the write's own answer time. The path is the one the feed takes on AWS in
// shape: the write lands in the stream (through the local proxy), the feed writer turns it into
// an entry, a client polling from its cursor reads it. p99 goes in the notes (the harness's
// table shows median and p90).

const WRITES = Number(process.env.FEED_LAG_WRITES ?? 200);
const POLL_MS = 5;

const stack = await startLocalStack({ faceStage: false });
try {
  const key = (await composeAccounts(stack.config).createApiKey(`bench-feed-${Date.now()}`)).key;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${stack.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));

  const person = String((await call('POST', '/api/people', { name: 'bench' })).body.id);
  await stack.stream.drained();
  let cursor = '';
  const events = async () => {
    const page = await call('GET', `/api/events?limit=200${cursor ? `&after_cursor=${cursor}` : ''}`);
    const data = page.body.data as { cursor: string; entity_id: string }[];
    if (data.length) cursor = data[data.length - 1]?.cursor ?? cursor;
    return data;
  };
  await events();

  const lag: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    const started = performance.now();
    const write = await call('PATCH', `/api/people/${person}`, { name: `bench ${i}` });
    if (write.status !== 200) throw new Error(`the write answered ${write.status}`);
    answered.push(performance.now() - started);
    for (;;) {
      if ((await events()).some((e) => e.entity_id === person)) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    lag.push(performance.now() - started);
  }
  const p99 = (samples: number[]) =>
    [...samples].sort((a, b) => a - b)[Math.floor(samples.length * 0.99)] ?? Number.NaN;
  await record([
    comparison(
      'feed lag: write → visible in GET /api/events',
      { name: 'write to feed', samples: lag },
      { name: 'write answered', samples: answered },
      {
        target: 'p99 < 1 s',
        notes: `${WRITES} sequential writes, polling every ${POLL_MS} ms; p99 ${p99(lag).toFixed(0)} ms (write alone p99 ${p99(answered).toFixed(0)} ms)`,
      },
    ),
  ]);
} finally {
  await stack.stop();
}
