import { thumbHashToDataURL } from 'thumbhash';

// The API's thumbhash (base64) as an image URL to paint while the thumbnail loads.
const cache = new Map<string, string>();

export const placeholderUrl = (thumbhash: string | null): string | undefined => {
  if (!thumbhash) return undefined;
  let url = cache.get(thumbhash);
  if (!url) {
    try {
      url = thumbHashToDataURL(Uint8Array.from(atob(thumbhash), (c) => c.charCodeAt(0)));
    } catch {
      return undefined;
    }
    cache.set(thumbhash, url);
  }
  return url;
};
