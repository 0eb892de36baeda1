import { readFile } from 'node:fs/promises';
import type { Gazetteer, Place } from '#shared/domain/ports.ts';

export interface GazetteerFiles {
  /** The compiled place index. */
  index: string;
  /** The module exporting `openGeocoder` (geocoder-module.ts, or its bundled copy). */
  module: string;
}

/**
 * The reverse geocoder, loaded on the first photo with a position: a function that never meets
 * one (the API answering reads) pays nothing for the index or the polygons at cold start.
 */
export class LazyGazetteer implements Gazetteer {
  private loading?: Promise<Gazetteer>;

  constructor(private readonly files: GazetteerFiles) {}

  async placeAt(latitude: number, longitude: number): Promise<Place> {
    return (await this.load()).placeAt(latitude, longitude);
  }

  load(): Promise<Gazetteer> {
    // A failed load is not remembered: the next photo tries again.
    this.loading ??= open(this.files).catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }
}

const open = async (files: GazetteerFiles): Promise<Gazetteer> => {
  const [module, bytes] = await Promise.all([
    // A specifier known only at run time, so no bundler folds the module into its caller.
    import(files.module) as Promise<typeof import('./geocoder-module.ts')>,
    readFile(files.index).catch((error: Error) => {
      throw new Error(`the place index cannot be read at ${files.index}: ${error.message}`);
    }),
  ]);
  return module.openGeocoder(bytes);
};
