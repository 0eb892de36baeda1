import type sharpModule from 'sharp';

// sharp (libvips) and heic-decode (libheif in wasm) stay outside the bundles and cost ~150 ms to
// load: loaded on first use, so API calls that never touch an image do not pay for them.

type Sharp = typeof sharpModule;
let sharp: Promise<Sharp> | undefined;

export const loadSharp = (): Promise<Sharp> => {
  sharp ??= import('sharp').then(({ default: loaded }) => {
    // A function processes one file at a time; sharp's cache would only hold memory.
    loaded.cache(false);
    return loaded;
  });
  return sharp;
};

export const loadHeicDecoder = async () => (await import('heic-decode')).default;
