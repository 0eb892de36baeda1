import '#infra/local/node20.ts';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { type Comparison, record } from './harness.ts';
import { startNpmStart } from './npm-start.ts';

// The API under autocannon against `npm start`: presign, one asset, a page of 100 — each against
// GET /api/health on the same server, alternating, as the floor.

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 4;
const stack = await startNpmStart();
const auth = { authorization: `Bearer ${stack.key}` };

const upload = async (i: number) => {
  const bytes = await sharp({
    create: { width: 16, height: 16, channels: 3, background: { r: i % 256, g: i >> 8, b: 7 } },
  })
    .png()
    .toBuffer();
  const form = new FormData();
  for (const [k, v] of Object.entries({
    device_asset_id: `a${i}`,
    device_id: 'bench',
    file_created_at: '2024-01-01T00:00:00Z',
    file_modified_at: '2024-01-01T00:00:00Z',
  }))
    form.append(k, v);
  form.append('asset_data', new Blob([bytes]), `${i}.png`);
  const res = await fetch(`${stack.url}/api/assets`, { method: 'POST', body: form, headers: auth });
  return ((await res.json()) as { id: string }).id;
};

type Target = { name: string; method?: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string> };
const measure = (target: Target) =>
  autocannon({
    url: `${stack.url}${target.path}`,
    method: target.method ?? 'GET',
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { ...auth, ...target.headers },
    ...(target.body && { body: target.body }),
  });

try {
  const ids: string[] = [];
  for (let i = 0; i < 120; i++) ids.push(await upload(i));
  const presignBody = JSON.stringify({
    device_asset_id: 'bench',
    device_id: 'bench',
    file_created_at: '2024-01-01T00:00:00Z',
    file_modified_at: '2024-01-01T00:00:00Z',
    file_name: 'x.jpg',
    mime_type: 'image/jpeg',
    file_size_bytes: 123456,
  });
  const targets: Target[] = [
    {
      name: 'presign POST /api/assets/uploads',
      method: 'POST',
      path: '/api/assets/uploads',
      body: presignBody,
      headers: { 'content-type': 'application/json' },
    },
    { name: 'GET /api/assets/{id}', path: `/api/assets/${ids[0]}` },
    { name: 'GET /api/assets?limit=100', path: '/api/assets?limit=100' },
  ];
  const floor: Target = { name: 'GET /api/health', path: '/api/health' };
  await measure(floor); // warm-up
  const results: Comparison[] = [];
  for (const target of targets) {
    const base = await measure(floor);
    const run = await measure(target);
    if (run.non2xx > 0) throw new Error(`${target.name}: ${run.non2xx} answers were not 2xx`);
    const measured = (name: string, r: autocannon.Result) => ({
      name,
      median: r.latency.p50,
      min: r.latency.min,
      max: r.latency.max,
      p90: r.latency.p90,
      runs: r.requests.total,
    });
    results.push({
      benchmark: `API: ${target.name}`,
      subject: measured(target.name, run),
      baseline: measured('health', base),
      // Throughput of the floor over the route's: how many health answers one route answer costs.
      ratio: base.requests.average / Math.max(run.requests.average, 0.001),
      unit: 'ms',
      ...(target.method === 'POST' && { target: 'p99 < 50 ms' }),
      notes: `${run.requests.average.toFixed(0)} req/s (health ${base.requests.average.toFixed(0)}); p99 ${run.latency.p99} ms (health ${base.latency.p99} ms); ${CONNECTIONS} connections, ${DURATION} s`,
    });
  }
  await record(results);
} finally {
  await stack.stop();
}
