import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { headerLines, SITE_CONFIG_FILE, type SiteConfig, type SiteHeaders } from '#shared/web/site-headers.ts';

// The web app's files, served by the local API server beside the API (as CloudFront serves them
// beside API Gateway), under the same security headers the distribution sends.

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

export interface SiteFiles {
  /** Answers a GET or HEAD for one of the app's files; false when the request is not for one. */
  serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean>;
}

export const siteFiles = (
  dir: string,
  headers: SiteHeaders,
  config: (req: IncomingMessage) => SiteConfig,
): SiteFiles => {
  const lines = headerLines(headers);
  return {
    async serve(req, res, url) {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || url.pathname.startsWith('/api/')) return false;
      const name = url.pathname === '/' ? '/index.html' : url.pathname;
      let body: Buffer | string;
      if (name === `/${SITE_CONFIG_FILE}`) body = JSON.stringify(config(req));
      else {
        let decoded: string;
        try {
          decoded = decodeURIComponent(name);
        } catch {
          return false;
        }
        // The path starts with `/`, so normalize() drops every `..` that would climb above the folder.
        const read = await readFile(join(dir, normalize(decoded))).catch(() => undefined);
        if (!read) return false;
        body = read;
      }
      req.resume();
      res.writeHead(200, {
        ...lines,
        'content-type': TYPES[extname(name)] ?? 'application/octet-stream',
        // Vite names every asset by its hash; the page and its config must be fetched fresh.
        'cache-control': name.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    },
  };
};
