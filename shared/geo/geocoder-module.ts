import type { Gazetteer } from '#shared/domain/ports.ts';
import { PlaceIndex } from './place-index.ts';
import { ReverseGeocoder } from './reverse-geocoder.ts';

// The reverse geocoder as a module of its own, loaded on first need. A Lambda bundle carries it
// as a separate file (geocoder.mjs beside index.mjs), so the polygons' 700 KB of code are not in
// what every cold start parses.

export const openGeocoder = (index: Buffer): Gazetteer => new ReverseGeocoder(PlaceIndex.decode(index));
