import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';

// Driving the web app in Chromium as a person would: sign in, drop files on the page, look at it
// (screenshots kept as test artefacts) and hold it to axe-core's accessibility rules.

export const ARTEFACTS = join(process.cwd(), 'test-results', 'web-app');
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export const signIn = async (page: Page, apiUrl: string, key: string) => {
  await page.goto(apiUrl);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

export interface DroppedFile {
  name: string;
  type: string;
  bytes: Buffer;
  lastModified: number;
}

// Browser-side scripts are strings: the tests' TypeScript has Node's globals, not the DOM's.
const DROP = `(list) => {
  const transfer = new DataTransfer();
  for (const f of list) {
    const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], f.name, { type: f.type, lastModified: f.lastModified }));
  }
  for (const type of ['dragenter', 'dragover', 'drop']) {
    document.body.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }
}`;

/** Drops files on the page as a drag from the desktop does: dragenter, dragover, drop, with a DataTransfer of Files. */
export const dropFiles = (page: Page, files: DroppedFile[]) => {
  const list = files.map((f) => ({
    name: f.name,
    type: f.type,
    lastModified: f.lastModified,
    b64: f.bytes.toString('base64'),
  }));
  return page.evaluate(`(${DROP})(${JSON.stringify(list)})`);
};

/** Waits until `count` uploads in the panel are done (polled from here: the page's CSP forbids eval). */
export const uploadsReady = (page: Page, count: number, timeout: number) =>
  expect.poll(() => page.locator('.upload[data-status=ready]').count(), { timeout, interval: 250 }).toBe(count);

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on the page as it is now (none is the goal). */
export const seriousViolations = async (page: Page) => {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern: the page itself
  // still runs under it.
  await page.evaluate(await axeSource);
  const violations = (await page.evaluate('axe.run(document).then((r) => r.violations)')) as Violation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
};
interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * A screenshot of the page saved as an artefact, and proof it shows something: not one flat colour,
 * the text the page must show, and (where there is a grid) the number of tiles.
 */
export const screenshot = async (page: Page, name: string, expected: { text: string[]; tiles?: number }) => {
  await mkdir(ARTEFACTS, { recursive: true });
  const png = await page.screenshot({ fullPage: true });
  await writeFile(join(ARTEFACTS, `${name}.png`), png);
  const { channels } = await sharp(png).stats();
  expect(Math.max(...channels.map((c) => c.stdev)), `${name} is blank`).toBeGreaterThan(10);
  const text = (await page.locator('body').textContent()) ?? '';
  for (const wanted of expected.text) expect(text, `${name} shows ${wanted}`).toContain(wanted);
  if (expected.tiles !== undefined) expect(await page.locator('.tile').count(), `${name} tiles`).toBe(expected.tiles);
};

/**
 * A network that goes away after an upload's first part: that S3 PUT goes through, every later S3
 * write (parts, form POSTs) hangs until `drop()` aborts them all, so none of their bytes arrives.
 */
export const cutAfterFirstPart = async (page: Page, appOrigin: string) => {
  const hung: Route[] = [];
  let puts = 0;
  await page.route(
    (url) => url.origin !== appOrigin,
    (route) => {
      const method = route.request().method();
      if (method === 'PUT') puts += 1;
      if ((method === 'PUT' && puts === 1) || (method !== 'PUT' && method !== 'POST')) return route.continue();
      hung.push(route);
    },
  );
  return {
    hung: () => hung.length,
    drop: async () => {
      for (const route of hung.splice(0)) await route.abort('connectionreset').catch(() => undefined);
      await page.unrouteAll({ behavior: 'ignoreErrors' });
    },
  };
};
