import { describe, expect, it } from 'vitest';
import { Invalid } from '#shared/domain/errors.ts';
import { circleBox, distanceMetres, geoAreaOf, inArea, parseBbox, plainBoxes } from '#shared/domain/geo-area.ts';

describe('bbox', () => {
  it('reads west,south,east,north', () => {
    expect(parseBbox('-77.1,38.9,-77.0,39.0')).toEqual({ kind: 'box', west: -77.1, south: 38.9, east: -77, north: 39 });
    expect(parseBbox(' -180 , -90 , 180 , 90 ')).toEqual({ kind: 'box', west: -180, south: -90, east: 180, north: 90 });
  });

  it('reads a west beyond the east as a box over the antimeridian, split into two plain boxes', () => {
    const box = parseBbox('170,-20,-170,0');
    expect(plainBoxes(box)).toEqual([
      { west: 170, south: -20, east: 180, north: 0 },
      { west: -180, south: -20, east: -170, north: 0 },
    ]);
    expect(inArea(box, -10, 179.5)).toBe(true);
    expect(inArea(box, -10, -175)).toBe(true);
    expect(inArea(box, -10, 0)).toBe(false);
    expect(inArea(box, -10, 169)).toBe(false);
    expect(inArea(box, 1, 175)).toBe(false);
  });

  it('refuses what is not four numbers in range, naming the parameter', () => {
    for (const [text, detail] of [
      ['1,2,3', /^query parameter bbox: must be 4 comma-separated/],
      ['1,2,3,4,5', /^query parameter bbox: must be 4/],
      ['a,b,c,d', /^query parameter bbox: must be 4/],
      ['1,2,,4', /^query parameter bbox: must be 4/],
      ['NaN,1,2,3', /^query parameter bbox: must be 4/],
      ['Infinity,1,2,3', /^query parameter bbox: must be 4/],
      ['0x10,1,2,3', /^query parameter bbox: must be 4/],
      ['-181,0,10,10', /^query parameter bbox: longitude -181 is outside -180\.\.180/],
      ['0,0,180.5,10', /^query parameter bbox: longitude 180\.5/],
      ['0,-91,10,10', /^query parameter bbox: latitude -91 is outside -90\.\.90/],
      ['0,10,10,0', /^query parameter bbox: min_latitude is north of max_latitude/],
    ] as const) {
      expect(() => parseBbox(text), text).toThrow(Invalid);
      expect(() => parseBbox(text), text).toThrow(detail);
    }
  });
});

describe('center and radius', () => {
  it('reads longitude,latitude and metres', () => {
    expect(geoAreaOf({ center: '-77.05,38.95', radius: 1000 })).toEqual({
      kind: 'circle',
      longitude: -77.05,
      latitude: 38.95,
      radius: 1000,
    });
  });

  it('holds what is within the radius by great-circle distance', () => {
    const circle = { kind: 'circle' as const, latitude: 48.8566, longitude: 2.3522, radius: 5000 };
    // The Eiffel Tower is ~4.1 km from the Hôtel de Ville; Versailles ~17 km.
    expect(distanceMetres(48.8566, 2.3522, 48.8584, 2.2945)).toBeGreaterThan(4000);
    expect(distanceMetres(48.8566, 2.3522, 48.8584, 2.2945)).toBeLessThan(4500);
    expect(inArea(circle, 48.8584, 2.2945)).toBe(true);
    expect(inArea(circle, 48.8049, 2.1204)).toBe(false);
  });

  it('bounds a circle by a box that crosses the antimeridian when the circle does, and spans every longitude at a pole', () => {
    const box = circleBox({ kind: 'circle', latitude: 0, longitude: 179.9, radius: 50_000 });
    expect(box.west).toBeGreaterThan(box.east);
    expect(inArea({ kind: 'circle', latitude: 0, longitude: 179.9, radius: 50_000 }, 0, -179.9)).toBe(true);
    expect(plainBoxes({ kind: 'circle', latitude: 0, longitude: 179.9, radius: 50_000 })).toHaveLength(2);
    const polar = circleBox({ kind: 'circle', latitude: 89.9, longitude: 0, radius: 50_000 });
    expect(polar).toMatchObject({ west: -180, east: 180, north: 90 });
  });

  it('refuses a bad centre, a radius out of range, and mixed or half-given modes', () => {
    for (const [params, detail] of [
      [{ center: '1', radius: 10 }, /^query parameter center: must be 2 comma-separated/],
      [{ center: '200,0', radius: 10 }, /^query parameter center: longitude 200/],
      [{ center: '0,95', radius: 10 }, /^query parameter center: latitude 95/],
      [{ center: '0,0', radius: 0 }, /^query parameter radius: must be greater than 0 and at most 50000/],
      [{ center: '0,0', radius: 50_001 }, /^query parameter radius/],
      [{ center: '0,0', radius: Number.NaN }, /^query parameter radius/],
      [{ center: '0,0' }, /^query parameter radius: required with center/],
      [{ radius: 10 }, /^query parameter center: required with radius/],
      [{ bbox: '0,0,1,1', center: '0,0', radius: 10 }, /^query parameter bbox: give either bbox or center/],
    ] as const) {
      expect(() => geoAreaOf(params), JSON.stringify(params)).toThrow(detail);
    }
    expect(geoAreaOf({})).toBeUndefined();
  });
});
