import { ensurePlaceIndex } from '#infra/build/place-index.ts';

/** Once before every worker: the place index the processors load, built if the cache lacks it. */
export default async function setup() {
  await ensurePlaceIndex();
}
