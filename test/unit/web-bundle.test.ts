import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ensureWebApp } from '#infra/build/web-app.ts';

// The built app: what it ships and that it can run under its own CSP (no inline script or style).
const dir = await ensureWebApp();
const assets = await readdir(join(dir, 'assets'));

describe('the built web app', () => {
  it('ships under 150 KB of JavaScript, gzipped', async () => {
    const scripts = assets.filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const f of scripts) total += gzipSync(await readFile(join(dir, 'assets', f)), { level: 9 }).length;
    expect(total).toBeLessThan(150 * 1024);
  });

  it('loads only its own hashed files: no inline script, no inline style, nothing from elsewhere', async () => {
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(body?.trim()).toBe('');
      expect(attributes).toMatch(/src="\.\/assets\/[\w-]+\.js"/);
    }
    expect(html).not.toMatch(/<style|style="/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});
