import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { CHROMIUM_ARGS, ensureChromium } from './chromium.ts';

/**
 * A page served from its own origin (not the API's, not S3's), with the files its script fetches;
 * a browser test's stack allows `origin` for CORS.
 */
export const servePage = async (html: string) => {
  const files = new Map<string, { type: string; body: Buffer | string }>();
  const server = createServer((req, res) => {
    const file = files.get(req.url ?? '');
    if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else if (file) res.writeHead(200, { 'content-type': file.type }).end(file.body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterAll(() => server.close());
  return { files, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

/** Headless Chromium for the suite, or undefined (and the suite skips) where it cannot be had. */
export const useChromium = () => {
  const executablePath = ensureChromium();
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (executablePath) browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  }, 600_000);
  afterAll(() => browser?.close());
  return {
    executablePath,
    browser: () => {
      if (!browser) throw new Error('Chromium is not running');
      return browser;
    },
  };
};
