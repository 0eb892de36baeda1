import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellRuns, coveringCells, coveringPrecision, encodeGeohash } from '#shared/domain/geohash.ts';

describe('geohash', () => {
  it('encodes the published examples', () => {
    expect(encodeGeohash(57.64911, 10.40744, 11)).toBe('u4pruydqqvj');
    expect(encodeGeohash(42.605, -5.603, 5)).toBe('ezs42');
    expect(encodeGeohash(57.64911, 10.40744)).toBe('u4pruydqq');
  });

  it('keeps the edges of the world inside the grid', () => {
    expect(encodeGeohash(90, 180, 3)).toBe('zzz');
    expect(encodeGeohash(-90, -180, 3)).toBe('000');
  });

  it('covers a box with the cells a point inside it falls in, and no others', () => {
    const box = { west: 2.2, south: 48.8, east: 2.45, north: 48.9 };
    const cells = coveringCells(box, 5);
    expect(cells).toEqual([...cells].sort());
    expect(new Set(cells).size).toBe(cells.length);
    fc.assert(
      fc.property(
        fc.double({ min: box.south, max: box.north, noNaN: true }),
        fc.double({ min: box.west, max: box.east, noNaN: true }),
        (lat, lon) => cells.includes(encodeGeohash(lat, lon, 5)),
      ),
    );
    // Every cell touches the box: its corner points are not all outside.
    expect(cells).toContain(encodeGeohash(box.south, box.west, 5));
    expect(cells).toContain(encodeGeohash(box.north, box.east, 5));
  });

  it('chooses the finest precision within the cell budget', () => {
    const city = { west: 2.2, south: 48.8, east: 2.45, north: 48.9 };
    const p = coveringPrecision([city], 32);
    expect(coveringCells(city, p).length).toBeLessThanOrEqual(32);
    expect(coveringCells(city, p + 1).length).toBeGreaterThan(32);
    expect(coveringPrecision([{ west: -180, south: -90, east: 180, north: 90 }], 32)).toBe(1);
    expect(coveringPrecision([{ west: 2.35, south: 48.85, east: 2.35, north: 48.85 }], 32)).toBe(9);
  });

  it('merges consecutive cells into runs', () => {
    expect(cellRuns(['u08', 'u0b', 'u0c', 'u0f', 'u10', 'u11'])).toEqual([
      { first: 'u08', last: 'u08' },
      { first: 'u0b', last: 'u0c' },
      { first: 'u0f', last: 'u0f' },
      { first: 'u10', last: 'u11' },
    ]);
    expect(cellRuns(['0z', '10'])).toEqual([{ first: '0z', last: '10' }]);
    // '9' is followed by 'b': geohash's alphabet has no a, i, l or o.
    expect(cellRuns(['u09', 'u0b'])).toEqual([{ first: 'u09', last: 'u0b' }]);
  });
});
