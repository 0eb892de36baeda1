import './quiet.ts';
import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';
import { composeAccounts } from '#functions/compose-accounts.ts';
import { ensureWebApp } from '#infra/build/web-app.ts';
import { startLocalStack } from '#infra/local/stack.ts';
import { createClients } from '#shared/aws/clients.ts';
import type { Asset } from '#shared/domain/asset.ts';
import { formatInstant } from '#shared/domain/datetime.ts';
import { derivedKeys } from '#shared/object-keys.ts';
import { toItem } from '#shared/table/asset-item.ts';
import { CHROMIUM_ARGS, ensureChromium } from '#test/helpers/chromium.ts';
import { putAll, readyPhoto } from '#test/helpers/seed-table.ts';
import { comparison, interleave, record } from './harness.ts';

// Opening the timeline of a 10 000-asset library in Chromium, until its first 50 thumbnails have
// painted: the app (sign-in check, config, list page, counts, filters' lists, layout) against the
// floor, a bare page under the same CSP that fetches one list page and adds 50 <img>s. Each run
// is a fresh browser context (a cold HTTP cache), as a new visit is. Also: the JS the app ships.

const ASSETS = Number(process.env.WEB_ASSETS ?? 10_000);
const RUNS = Number(process.env.WEB_RUNS ?? 20);
const FIRST = 50;
const WITH_THUMBNAILS = 200;

const executablePath = ensureChromium();
if (!executablePath) throw new Error('the web benchmark needs Chromium (/usr/bin/chromium)');
const webApp = await ensureWebApp();
// The floor's page, served beside the app by the same server, under the same headers.
const floorScript = `const key = sessionStorage.getItem('darkroom.apiKey');
const r = await fetch('/api/assets?limit=100&order=desc', { headers: { authorization: 'Bearer ' + key } });
const { data } = await r.json();
for (const a of data.slice(0, ${FIRST})) {
const img = new Image(); img.className = 'thumb'; img.width = 160; img.height = 120;
img.onload = () => img.classList.add('loaded'); img.src = a.thumbnail_url; document.body.append(img);
}`;
const served = await mkdtemp(join(tmpdir(), 'web-bench-'));
await cp(webApp, served, { recursive: true });
await writeFile(
  join(served, 'floor.html'),
  '<!doctype html><title>floor</title><script type="module" src="./floor.js"></script>',
);
await writeFile(join(served, 'floor.js'), floorScript);
const stack = await startLocalStack({ faceStage: false, webApp: served });
try {
  const { config } = stack;
  const direct = createClients({ ...config, DARKROOM_DYNAMODB_ENDPOINT: stack.dynamoUrl });
  const accounts = composeAccounts(config);
  const { key, record: made } = await accounts.createApiKey('web-bench');
  const owner = made.owner;
  const libraryId = await accounts.resolveLibrary(owner);

  // Thumbnails as the processor writes them (WebP, 360 px high) with their thumbhashes.
  const images = await Promise.all(
    Array.from({ length: 20 }, async (_, i) => {
      const png = await sharp({
        create: { width: 480, height: 360, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: 120 } },
      })
        .composite([
          {
            input: Buffer.from(
              `<svg width="480" height="360"><circle cx="${100 + i * 15}" cy="180" r="90" fill="#fff8"/></svg>`,
            ),
          },
        ])
        .png()
        .toBuffer();
      const webp = await sharp(png).webp({ quality: 70 }).toBuffer();
      const { data, info } = await sharp(png).resize(100, 75).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      return { webp, thumbhash: Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64') };
    }),
  );
  const start = Date.UTC(2015, 0, 1);
  const asset = (i: number): Asset =>
    readyPhoto(i, {
      id: `asset_web${String(i).padStart(19, '0')}`,
      owner,
      libraryId,
      localDatetime: formatInstant(new Date(start + i * 3_600_000)),
      fileSizeBytes: 2_000_000,
      width: i % 3 ? 4000 : 3000,
      height: i % 3 ? 3000 : 4000,
      thumbhash: images[i % images.length]?.thumbhash as string,
    });
  const seeded = performance.now();
  await putAll(
    direct.dynamo,
    config.TABLE_NAME,
    Array.from({ length: ASSETS }, (_, i) => toItem(asset(i))),
  );
  // The newest assets are the ones a first page shows: only they need their files.
  for (let i = ASSETS - WITH_THUMBNAILS; i < ASSETS; i++) {
    const a = asset(i);
    await direct.s3.send(
      new PutObjectCommand({
        Bucket: config.DERIVED_BUCKET,
        Key: derivedKeys(a).thumbnail,
        Body: images[i % images.length]?.webp,
        ContentType: 'image/webp',
      }),
    );
  }
  console.log(
    `seeded ${ASSETS} assets (${WITH_THUMBNAILS} thumbnails) in ${((performance.now() - seeded) / 1000).toFixed(1)} s`,
  );

  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const painted = `new Promise((resolve) => { const check = () => document.querySelectorAll('img.thumb.loaded').length >= ${FIRST} ? resolve(performance.now()) : requestAnimationFrame(check); check(); })`;
  const open = (path: string) => async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 1200 } });
    await context.addInitScript(`sessionStorage.setItem('darkroom.apiKey', ${JSON.stringify(key)})`);
    const page = await context.newPage();
    await page.goto(`${stack.apiUrl}${path}`, { waitUntil: 'commit' });
    const ms = (await page.evaluate(painted)) as number;
    await context.close();
    return ms;
  };
  // Milliseconds from navigation to painted, as the page's own clock tells them.
  const samples = new Map<string, number[]>([
    ['app', []],
    ['floor', []],
  ]);
  const app = open('/');
  const floor = open('/floor.html');
  await interleave(
    [
      { name: 'app', run: async () => samples.get('app')?.push(await app()) },
      { name: 'floor', run: async () => samples.get('floor')?.push(await floor()) },
    ],
    { runs: RUNS, warmup: 2 },
  );
  for (const list of samples.values()) list.splice(0, 2);
  await browser.close();

  const files = await readdir(join(webApp, 'assets'));
  const js = await Promise.all(files.filter((f) => f.endsWith('.js')).map((f) => readFile(join(webApp, 'assets', f))));
  const gzipKB = js.reduce((sum, b) => sum + gzipSync(b, { level: 9 }).length, 0) / 1024;
  await record([
    comparison(
      `web app: open the timeline of ${ASSETS} assets until ${FIRST} thumbnails are painted`,
      { name: 'the app (Preact)', samples: samples.get('app') ?? [] },
      { name: `a bare page: one list request, ${FIRST} <img>`, samples: samples.get('floor') ?? [] },
      {
        target: 'JS < 150 KB gzip',
        notes: `cold context each run, Chromium headless 1600×1200; JS shipped ${gzipKB.toFixed(1)} KB gzip`,
      },
    ),
  ]);
} finally {
  await stack.stop();
}
