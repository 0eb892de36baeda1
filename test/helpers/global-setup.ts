import { ensurePlaceIndex } from '#infra/build/place-index.ts';
import { ensureWebApp } from '#infra/build/web-app.ts';

/** Once before every worker: the place index the processors load and the web app, built if the cache lacks them. */
export default async function setup() {
  await ensurePlaceIndex();
  await ensureWebApp();
}
