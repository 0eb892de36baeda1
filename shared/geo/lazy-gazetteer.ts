import { readFile } from 'node:fs/promises';
import type { Gazetteer, Place } from '#shared/domain/ports.ts';

/**
 * The reverse geocoder, loaded on the first photo with a position: a function that never meets
 * one (the API answering reads) pays nothing for the index or the polygons at cold start.
 */
export class LazyGazetteer implements Gazetteer {
  private loading?: Promise<Gazetteer>;

  constructor(private readonly path: string) {}

  async placeAt(latitude: number, longitude: number): Promise<Place> {
    return (await this.load()).placeAt(latitude, longitude);
  }

  load(): Promise<Gazetteer> {
    // A failed load is not remembered: the next photo tries again.
    this.loading ??= open(this.path).catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }
}

const open = async (path: string): Promise<Gazetteer> => {
  const [{ ReverseGeocoder }, { PlaceIndex }, bytes] = await Promise.all([
    import('./reverse-geocoder.ts'),
    import('./place-index.ts'),
    readFile(path).catch((error: Error) => {
      throw new Error(`the place index cannot be read at ${path}: ${error.message}`);
    }),
  ]);
  return new ReverseGeocoder(PlaceIndex.decode(bytes));
};
