import { readFile, utimes, writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { composeAccounts } from '#functions/compose-accounts.ts';
import { ensureWebApp } from '#infra/build/web-app.ts';
import { createClients } from '#shared/aws/clients.ts';
import type { FaceDetector } from '#shared/domain/face-ports.ts';
import { stableId } from '#shared/domain/ids.ts';
import { FaceApiDetector } from '#shared/faces/face-api-detector.ts';
import { faceCrop } from '#shared/faces/face-crop.ts';
import { packagedFaceModelPaths } from '#shared/faces/face-models.ts';
import { toItem } from '#shared/table/asset-item.ts';
import { headerLines, siteHeaders } from '#shared/web/site-headers.ts';
import { paddedVideo } from '#test/helpers/big-video.ts';
import { useChromium } from '#test/helpers/browser-page.ts';
import { photoAt } from '#test/helpers/geo-photos.ts';
import { eventually, useLocalStack } from '#test/helpers/local-stack.ts';
import { putAll, readyPhoto } from '#test/helpers/seed-table.ts';
import { newKey } from '#test/helpers/uploads.ts';
import {
  cutAfterFirstPart,
  DESKTOP,
  type DroppedFile,
  dropFiles,
  PHONE,
  screenshot,
  seriousViolations,
  signIn,
  uploadsReady,
} from '#test/helpers/web-app.ts';

const MiB = 1024 * 1024;
process.env.DARKROOM_MULTIPART_THRESHOLD_BYTES = String(8 * MiB);

// The web app in headless Chromium, served by the local stack under the CSP CloudFront sends.
// The real model finds the portrait's face; the generated photos (64×48, one flat colour) are not
// shown to it, where a busy machine would spend seconds on each to find nothing.
const model = new FaceApiDetector(packagedFaceModelPaths());
const faceDetector: FaceDetector = {
  detect: (image, display) =>
    display.width * display.height < 10_000 ? Promise.resolve([]) : model.detect(image, display),
  crop: faceCrop,
};
const stack = useLocalStack({ webApp: await ensureWebApp(), faceStage: true, faceDetector });
const { executablePath, browser } = useChromium();
const SAMPLES = new URL('../../../shared/samples/', import.meta.url);

const photos = async (): Promise<DroppedFile[]> => {
  const places: [number, number][] = [
    [48.8566, 2.3522], // Paris
    [35.6762, 139.6503], // Tokyo
  ];
  const generated = await Promise.all(
    Array.from({ length: 19 }, async (_, i) => ({
      name: `holiday-${String(i + 1).padStart(2, '0')}.jpg`,
      type: 'image/jpeg',
      bytes: await photoAt(
        places[i % 2] as [number, number],
        `2024:0${(i % 3) + 4}:${String(10 + i).padStart(2, '0')} 12:00:00`,
        `#${(40 + i * 11).toString(16)}${(200 - i * 7).toString(16)}90`,
      ),
      lastModified: Date.UTC(2024, 5, 1) + i,
    })),
  );
  const portrait = {
    name: 'portrait.jpg',
    type: 'image/jpeg',
    bytes: await readFile(new URL('faces/portrait.jpg', SAMPLES)),
    lastModified: Date.UTC(2023, 0, 1),
  };
  const video = {
    name: 'clip.mp4',
    type: 'video/mp4',
    bytes: await readFile(new URL('video/h264-imovie.mp4', SAMPLES)),
    lastModified: Date.UTC(2022, 0, 1),
  };
  return [...generated, portrait, video];
};

const api = async (key: string, path: string) => {
  const response = await fetch(`${stack().apiUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return (await response.json()) as never;
};

/** Every page at both sizes: a screenshot with its content checked, and no serious axe finding. */
const lookAt = async (page: Page, name: string, expected: { text: string[]; tiles?: number }) => {
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    // The resize reaches the grid through a ResizeObserver and a render: two frames later it is painted.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    await screenshot(page, `${name}-${size}`, expected);
    expect(await seriousViolations(page), `${name} at ${size} size`).toEqual([]);
  }
  await page.setViewportSize(DESKTOP);
};

describe.skipIf(!executablePath)('the web app', () => {
  it('serves the app under the security headers the distribution sends', async () => {
    const response = await fetch(`${stack().apiUrl}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="app">');
    const expected = headerLines(siteHeaders({ media: [stack().env.DARKROOM_S3_ENDPOINT as string] }));
    for (const [name, value] of Object.entries(expected)) expect(response.headers.get(name), name).toBe(value);
    expect(await (await fetch(`${stack().apiUrl}/config.json`)).json()).toEqual({ apiUrl: stack().apiUrl });
    // Opened as localhost, the app calls the API as localhost: its CSP allows only its own origin.
    const port = new URL(stack().apiUrl).port;
    expect(await (await fetch(`http://localhost:${port}/config.json`)).json()).toEqual({
      apiUrl: `http://localhost:${port}`,
    });
    for (const path of ['/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/%ZZ']) {
      expect((await fetch(`${stack().apiUrl}${path}`)).status, path).toBe(404);
    }
  });

  it('the whole journey: sign in, upload by dropping, see, open, name, trash, restore, file in an album, sign out', async () => {
    const key = await newKey();
    const page = await browser().newPage({ viewport: DESKTOP });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && !m.text().includes('favicon') && errors.push(m.text()));

    await page.goto(stack().apiUrl);
    await lookAt(page, 'sign-in', { text: ['API key', 'Sign in'] });
    await signIn(page, stack().apiUrl, key);
    await page.getByRole('heading', { name: 'Photos' }).waitFor();
    expect(page.url()).not.toContain(key);

    // Thumbnails are held back until every tile has painted its thumbhash placeholder.
    const held: (() => void)[] = [];
    let holding = true;
    await page.route(/\/derived\/.*thumbnail\.webp/, (route) =>
      holding ? held.push(() => void route.continue()) : route.continue(),
    );
    const files = await photos();
    await dropFiles(page, files);
    await page.getByRole('region', { name: 'Uploads' }).waitFor();
    await uploadsReady(page, 21, 240_000);
    await expect.poll(() => page.locator('.tile').count(), { timeout: 30_000 }).toBe(21);
    await expect.poll(() => page.locator('.tile img.placeholder[src^="data:image/png"]').count()).toBe(21);
    expect(await page.locator('.tile img.thumb.loaded').count()).toBe(0);
    holding = false;
    for (const release of held.splice(0)) release();
    await expect.poll(() => page.locator('.tile img.thumb.loaded').count(), { timeout: 30_000 }).toBe(21);
    expect(await page.locator('.tile img.placeholder').count()).toBe(0);
    expect(
      await page
        .locator('.tile img.thumb')
        .evaluateAll((imgs) => imgs.every((i) => (i as unknown as { naturalWidth: number }).naturalWidth > 0)),
    ).toBe(true);
    expect(await page.getByRole('region', { name: 'Uploads' }).textContent()).toContain('Uploads 21/21');
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await lookAt(page, 'timeline', { text: ['Photos', 'Jun 2024', 'Apr 2024'], tiles: 21 });

    // The same photo again is reported as a duplicate, and the timeline keeps one.
    await dropFiles(page, [files[0] as DroppedFile]);
    await expect.poll(() => page.locator('.upload[data-status=duplicate]').count(), { timeout: 30_000 }).toBe(1);
    expect(await page.locator('.upload').textContent()).toContain('Duplicate: Already in the library');
    expect(await page.locator('.tile').count()).toBe(21);
    await page.getByRole('button', { name: 'Clear finished' }).click();

    // The scrubber jumps to a month; the place filter names where photos were taken.
    await page.getByRole('button', { name: /^Apr 2024/ }).click();
    await expect.poll(() => page.locator('.tile').count()).toBe(7 + 2);
    await page.getByRole('button', { name: 'Newest' }).click();
    await expect.poll(() => page.locator('.tile').count()).toBe(21);
    const place = page.getByLabel('Place');
    await expect
      .poll(() => place.locator('option').allTextContents())
      .toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Paris.*\(10\)$/),
          expect.stringMatching(/Tokyo, Japan \(9\)$/),
        ]),
      );
    await place.selectOption({ label: (await place.locator('option', { hasText: 'Tokyo' }).textContent()) ?? '' });
    await expect.poll(() => page.locator('.tile').count()).toBe(9);
    await page.getByLabel('Type').selectOption('video');
    await expect.poll(() => page.locator('.tile').count()).toBe(0);
    await page.getByRole('link', { name: 'Photos', exact: true }).click();
    await expect.poll(() => page.locator('.tile').count()).toBe(21);

    // The portrait: its face is found (by the face stage, after the asset is ready), boxed and named.
    const portraitId = (await page.locator('.tile:has-text("portrait.jpg")').getAttribute('data-asset-id')) as string;
    await eventually(
      async () => ((await api(key, `/api/assets/${portraitId}`)) as { faces: unknown[] }).faces.length > 0 || undefined,
      120_000,
    );
    await page.locator('.tile:has-text("portrait.jpg")').click();
    await page.getByRole('heading', { name: 'portrait.jpg' }).waitFor();
    await expect.poll(() => page.locator('.face-box').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: /^Rename Face 1/ }).click();
    await page.getByLabel(/^Name of Face 1/).fill('Marie');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.locator('.face-box .face-name').first().textContent()).toBe('Marie');
    await lookAt(page, 'asset', { text: ['portrait.jpg', 'People', 'Marie', 'Download original', 'Metrics'] });

    // Trash and restore: gone from the timeline, there in the trash, back again.
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await page.getByText('Moved to the trash.').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.tile').count()).toBe(20);
    await page.getByLabel('Trash').check();
    await expect.poll(() => page.locator('.tile').count()).toBe(1);
    await page.locator('.tile').click();
    await page.getByRole('button', { name: 'Restore' }).click();
    await page.getByText('Restored from the trash.').waitFor();

    // A new album, from the asset's page; the albums page shows it with its cover.
    await page.getByLabel('Add to album').selectOption('new');
    await page.getByLabel('Album name').fill('Portraits');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Added to Portraits.').waitFor();
    await page.getByRole('link', { name: 'Albums' }).click();
    await page.getByRole('heading', { name: 'Albums' }).waitFor();
    await expect.poll(() => page.locator('.album img').count()).toBe(1);
    await lookAt(page, 'albums', { text: ['Portraits', '1 item'] });
    await page.getByRole('link', { name: /Portraits/ }).click();
    await expect.poll(() => page.locator('.tile').count()).toBe(1);

    // People: renamed here too, and the asset's box follows.
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByRole('heading', { name: 'People' }).waitFor();
    const card = page.locator('.person', { has: page.getByLabel('Name of Marie') });
    await card.getByLabel('Name of Marie').fill('Marie Curie');
    await card.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Renamed to Marie Curie.').waitFor();
    await lookAt(page, 'people', { text: ['People', '1 photo'] });
    expect(await page.getByLabel('Name of Marie Curie').inputValue()).toBe('Marie Curie');

    // The same person twice (made by another client) is merged into one; a hidden one leaves the page.
    await fetch(`${stack().apiUrl}/api/people`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'M. Curie' }),
    });
    await page.reload();
    await expect.poll(() => page.locator('.person').count()).toBe(2);
    await page.getByLabel('Select Marie Curie').check();
    await page.getByLabel('Select M. Curie').check();
    await page.getByRole('button', { name: 'Merge selected (2)' }).click();
    await page.getByText('Merged 2 people into Marie Curie.').waitFor();
    await expect.poll(() => page.locator('.person').count()).toBe(1);
    await page.locator('.person').getByRole('button', { name: 'Hide' }).click();
    await expect.poll(() => page.locator('.person').count()).toBe(0);
    await page.getByLabel('Show hidden people').check();
    await expect.poll(() => page.locator('.person.hidden-person').count()).toBe(1);
    await page.locator('.person').getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.locator('.person:not(.hidden-person)').count()).toBe(1);

    // A person's photos, and a date range.
    await page.getByRole('link', { name: 'Photos of Marie Curie' }).click();
    await expect.poll(() => page.locator('.tile').count()).toBe(1);
    await page.goto(`${stack().apiUrl}/#/?from=2024-05-01&to=2024-05-31`);
    await expect.poll(() => page.locator('.tile').count()).toBe(6);
    expect(await page.getByLabel('From').inputValue()).toBe('2024-05-01');

    // Keyboard: → and ← step through the timeline, Esc goes back to it.
    await page.getByRole('link', { name: 'Photos', exact: true }).click();
    await page.locator('.tile').first().click();
    // The newest photo was taken in Tokyo: its place and camera lines read as words.
    await expect.poll(() => page.locator('.place').textContent()).toMatch(/Tokyo, Japan Photos taken nearby/);
    expect(await page.locator('.asset-info dl').first().textContent()).toContain(
      'TakenJun 27, 2024, 12:00 PM (UTC+09:00)',
    );
    const download = await page.getByRole('link', { name: 'Download original' }).getAttribute('href');
    const original = await fetch(download ?? '');
    expect(original.status).toBe(200);
    expect(Buffer.from(await original.arrayBuffer()).equals(files[17]?.bytes as Buffer)).toBe(true);
    const first = await page.getByRole('heading', { level: 1 }).textContent();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).not.toBe(first);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(first);
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Photos' }).waitFor();

    // The video plays from its signed URL.
    await page.locator('.tile:has-text("clip.mp4")').click();
    await expect
      .poll(() => page.locator('video').evaluate((v) => (v as unknown as { readyState: number }).readyState), {
        timeout: 20_000,
      })
      .toBeGreaterThanOrEqual(1);

    // Sign out: the key leaves the tab.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('JSON.stringify({ ...sessionStorage, ...localStorage })')).not.toContain(key);
    await page.reload();
    await page.getByLabel('API key').waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says clearly when the key is wrong and when the API is down', async () => {
    const page = await browser().newPage({ viewport: DESKTOP });
    await signIn(page, stack().apiUrl, 'dr_not-a-real-key');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('That API key was not accepted. Check it and try again.');
    // A key that stops working while the tab holds it (revoked, say) sends the tab back to sign in.
    const revoked = await browser().newPage({ viewport: DESKTOP });
    await revoked.addInitScript(`sessionStorage.setItem('darkroom.apiKey', 'dr_revoked')`);
    await revoked.goto(stack().apiUrl);
    await expect
      .poll(() => revoked.getByRole('alert').textContent())
      .toBe('Your API key is no longer accepted. Sign in again.');
    expect(await revoked.evaluate('sessionStorage.length')).toBe(0);
    await revoked.close();

    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.getByLabel('API key').fill(await newKey());
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 30_000 })
      .toBe(`Darkroom cannot be reached at ${stack().apiUrl}. Check that it is running and try again.`);
    await page.close();
  });

  it('a reload mid-upload loses nothing: it offers to resume, and the multipart upload sends only the parts S3 lacks', async () => {
    const key = await newKey();
    const video = await paddedVideo(40 * MiB);
    await utimes(video, new Date('2024-02-02T00:00:00Z'), new Date('2024-02-02T00:00:00Z'));
    const small = `${video}.jpg`;
    await writeFile(small, await photoAt([51.5, -0.12], '2024:02:02 10:00:00', '#336699'));
    const page = await browser().newPage({ viewport: DESKTOP });
    await signIn(page, stack().apiUrl, key);
    await page.getByRole('heading', { name: 'Photos' }).waitFor();

    // The first part lands; every other S3 write hangs, as on a network that went away, and is
    // dropped when the tab reloads: none of those bytes reaches S3.
    const network = await cutAfterFirstPart(page, new URL(stack().apiUrl).origin);
    await page.locator('input[type=file]').first().setInputFiles([video, small]);
    await expect.poll(() => network.hung(), { timeout: 60_000 }).toBe(3);
    // Reloaded only once S3 holds the first part.
    await eventually(async () => {
      const pending = JSON.parse(String(await page.evaluate('localStorage.getItem("darkroom.pendingUploads")'))) as
        | { name: string; assetId: string }[]
        | null;
      const big = pending?.find((p) => p.name === 'big.mp4');
      const status = big && ((await api(key, `/api/assets/uploads/${big.assetId}`)) as { parts?: unknown[] });
      return (pending?.length === 2 && status?.parts?.length === 1) || undefined;
    }, 60_000);
    await network.drop();
    await page.reload();

    const notice = page.getByRole('status').filter({ hasText: 'interrupted' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('2 uploads were interrupted');
    expect(await notice.textContent()).toMatch(/big\.mp4.*resumes where it stopped/);
    expect(await notice.textContent()).toMatch(/\.jpg.*starts again/);
    await screenshot(page, 'upload-interrupted-desktop', { text: ['Pick the same files again to resume'] });

    const resumed: string[] = [];
    page.on('request', (r) => r.method() === 'PUT' && resumed.push(r.url()));
    await page.locator('input[type=file]').first().setInputFiles([video, small]);
    await uploadsReady(page, 2, 120_000);
    expect(resumed).toHaveLength(2);
    expect(await page.getByRole('status').filter({ hasText: 'interrupted' }).count()).toBe(0);
    const listed = (await api(key, '/api/assets?state=all')) as {
      data: { original_file_name: string; state: string }[];
    };
    expect(
      listed.data
        .filter((a) => a.state === 'ready')
        .map((a) => a.original_file_name)
        .sort(),
    ).toEqual(['big.mp4', `big.mp4.jpg`]);
    await page.close();
  });
  it('pauses and resumes a multipart upload, sending again only what S3 does not hold', async () => {
    const key = await newKey();
    const video = await paddedVideo(40 * MiB);
    const page = await browser().newPage({ viewport: DESKTOP });
    await signIn(page, stack().apiUrl, key);
    await page.getByRole('heading', { name: 'Photos' }).waitFor();
    const network = await cutAfterFirstPart(page, new URL(stack().apiUrl).origin);
    await page.locator('input[type=file]').first().setInputFiles(video);
    await expect.poll(() => network.hung(), { timeout: 60_000 }).toBe(2);
    await expect
      .poll(() => page.locator('.upload progress').evaluate((p) => (p as unknown as { value: number }).value))
      .toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Pause big.mp4' }).click();
    await expect.poll(() => page.locator('.upload').getAttribute('data-status')).toBe('paused');
    await network.drop();

    const resumed: string[] = [];
    page.on('request', (r) => r.method() === 'PUT' && resumed.push(r.url()));
    // While it waits for processing the API drops out for a moment: the upload still ends ready.
    let dropped = 0;
    await page.route(/\/api\/assets\/asset_[^/?]+(\?|$)/, (route) =>
      dropped++ < 6 ? route.abort('connectionrefused') : route.continue(),
    );
    await page.getByRole('button', { name: 'Resume big.mp4' }).click();
    await uploadsReady(page, 1, 120_000);
    expect(dropped).toBeGreaterThan(6);
    expect(resumed).toHaveLength(2);
    await page.close();
  });
  it('scrolls through cursor pages: the next loads before the end shows, and only tiles near the viewport are in the DOM', async () => {
    const accounts = composeAccounts(stack().config);
    const { key, record: made } = await accounts.createApiKey(`scroll-${Date.now()}`);
    const libraryId = await accounts.resolveLibrary(made.owner);
    const count = 250;
    const asset = (i: number) =>
      readyPhoto(i, {
        id: stableId('asset', 'scroll', i),
        owner: made.owner,
        libraryId,
        localDatetime: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString().replace('.000Z', 'Z'),
        width: i % 2 ? 4000 : 3000,
        height: i % 2 ? 3000 : 4000,
      });
    const { dynamo } = createClients({ ...stack().config, DARKROOM_DYNAMODB_ENDPOINT: stack().dynamoUrl });
    await putAll(
      dynamo,
      stack().config.TABLE_NAME,
      Array.from({ length: count }, (_, i) => toItem(asset(i))),
    );

    const page = await browser().newPage({ viewport: DESKTOP });
    const pages: string[] = [];
    page.on('request', (r) => new URL(r.url()).pathname === '/api/assets' && pages.push(r.url()));
    await signIn(page, stack().apiUrl, key);
    await expect.poll(() => page.locator('.tile').count()).toBeGreaterThan(20);
    expect(pages).toHaveLength(1);
    expect(await page.locator('.tile').first().getAttribute('data-asset-id')).toBe(asset(count - 1).id);
    const oldest = page.locator(`.tile[data-asset-id="${asset(0).id}"]`);
    await expect
      .poll(
        async () => {
          await page.mouse.wheel(0, 4000);
          return oldest.count();
        },
        { timeout: 60_000 },
      )
      .toBe(1);
    expect(pages).toHaveLength(3);
    expect(new URL(pages[2] as string).searchParams.get('starting_after_id')).toBe(asset(count - 200).id);
    expect(await page.locator('.tile').count()).toBeLessThan(count);
    await page.close();
  });
});
