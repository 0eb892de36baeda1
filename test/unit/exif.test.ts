import { describe, expect, it } from 'vitest';
import { formatExifDate, localDatetime, parseWallClock } from '#shared/domain/datetime.ts';
import { MAX_TEXT, normaliseExif } from '#shared/domain/exif.ts';

describe('EXIF normalisation', () => {
  it('signs GPS by its references and reads altitude below sea level from the one-byte ref', () => {
    const { exif } = normaliseExif({
      GPSLatitude: [33, 51, 35.4],
      GPSLatitudeRef: 'S',
      GPSLongitude: [70, 40, 12],
      GPSLongitudeRef: 'W',
      GPSAltitude: 12.5,
      GPSAltitudeRef: { 0: 1 },
    });
    expect(exif.latitude).toBeCloseTo(-33.859833, 6);
    expect(exif.longitude).toBeCloseTo(-70.67, 6);
    expect(exif.altitude).toBe(-12.5);
  });

  it('gives no location for an empty GPS IFD, never 0,0', () => {
    const { exif } = normaliseExif({ GPSLatitude: [null, null, null], GPSLongitude: [null, null, null] });
    expect([exif.latitude, exif.longitude]).toEqual([null, null]);
    expect(normaliseExif({ GPSLatitude: [95, 0, 0], GPSLongitude: [10, 0, 0] }).exif.latitude).toBeNull();
  });

  it('keeps the capture wall clock and its own offset apart', () => {
    const reading = normaliseExif({
      DateTimeOriginal: '2024:01:15 08:30:45',
      OffsetTimeOriginal: '+10:00',
      OffsetTime: '-05:00',
    });
    expect(reading.exif.original_datetime).toBe('2024-01-15T08:30:45+10:00');
    expect(reading.captured && localDatetime(reading.captured)).toBe('2024-01-15T08:30:45Z');
  });

  it('falls back from DateTimeOriginal to CreateDate, then to GPS time as UTC', () => {
    expect(normaliseExif({ CreateDate: '2020:05:06 07:08:09' }).captured?.local).toBe('2020-05-06T07:08:09');
    const gps = normaliseExif({ GPSDateStamp: '2023:11:15', GPSTimeStamp: [12, 30, 0] });
    expect(gps.captured).toEqual({ local: '2023-11-15T12:30:00', offset: '+00:00', universal: true });
    expect(normaliseExif({}).captured).toBeUndefined();
  });

  it('ignores dates that are no dates', () => {
    expect(normaliseExif({ DateTimeOriginal: '0000:00:00 00:00:00' }).captured).toBeUndefined();
    expect(normaliseExif({ DateTimeOriginal: '    :  :     :  :  ' }).exif.original_datetime).toBeNull();
    expect(parseWallClock('2024:13:01 00:00:00')).toBeUndefined();
  });

  it('reads numbers from rationals and arrays, and orientation and rating only in range', () => {
    const { exif } = normaliseExif({
      ExposureBiasValue: '-1/3',
      ISOSpeedRatings: [200, 0],
      Orientation: 9,
      Rating: 4,
      FNumber: 2.8,
    });
    expect(exif.exposure_bias).toBeCloseTo(-0.3333, 4);
    expect(exif.iso).toBe(200);
    expect(exif.orientation).toBeNull();
    expect(exif.rating).toBe(4);
    expect(exif.f_number).toBe(2.8);
  });

  it('caps hostile text and strips control characters', () => {
    const { exif } = normaliseExif({ ImageDescription: 'x'.repeat(200_000), Make: 'Canon\u0000\u0000' });
    expect(exif.description).toHaveLength(MAX_TEXT);
    expect(exif.make).toBe('Canon');
  });

  it('reads XMP language alternatives, ICC and panorama fields', () => {
    const { exif } = normaliseExif({
      description: { lang: 'x-default', value: 'Sunset' },
      ProfileDescription: 'Display P3',
      ProjectionType: 'equirectangular',
    });
    expect(exif).toMatchObject({
      description: 'Sunset',
      profile_description: 'Display P3',
      projection_type: 'equirectangular',
    });
  });
});

describe('EXIF dates', () => {
  it('accept revived ISO strings and zones', () => {
    expect(parseWallClock('2008-05-04T16:47:24+09:00')).toEqual({ local: '2008-05-04T16:47:24', offset: '+09:00' });
    expect(parseWallClock('2019:04:30 15:56:18.606+00:00')).toEqual({
      local: '2019-04-30T15:56:18.606',
      offset: '+00:00',
    });
    expect(formatExifDate({ local: '2020-01-01T00:00:00', offset: '-0800'.replace(/(\d\d)$/, ':$1') })).toBe(
      '2020-01-01T00:00:00-08:00',
    );
  });
});
